/**
 * The page's views: the charts, the neuron grid and the Channels view. main.tsx imports this a
 * task before the rest of the app (App.tsx imports the same modules), so that the app's own code
 * is evaluated in two main-thread tasks, not one. The list only keeps the imports in the bundle.
 */
import { AccuracyChart } from './charts/AccuracyChart';
import { KeptChart } from './charts/KeptChart';
import { ResidualChart } from './charts/ResidualChart';
import { SparsityChart } from './charts/SparsityChart';
import { TimingChart } from './charts/TimingChart';
import { NeuronGrid } from './neurons/NeuronGrid';
import { ChannelsView } from './channels/ChannelsView';

export const VIEWS = [AccuracyChart, KeptChart, ResidualChart, SparsityChart, TimingChart, NeuronGrid, ChannelsView] as const;
