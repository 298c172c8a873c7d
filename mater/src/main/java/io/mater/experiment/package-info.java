/**
 * The paper's experiments (Ghaleb, Niehues &amp; Asteriadis 2022, Sections 4.2, 5 and 6; Table 1 and Figs.
 * 4-11) on the trained fold models of a {@link io.mater.experiment.Study}: {@link io.mater.experiment.Analyses}
 * computes and plots them, {@link io.mater.experiment.Noise} replaces windows by Gaussian noise,
 * {@link io.mater.experiment.NoisyTraining} is Algorithm 1, and {@link io.mater.experiment.Slurm} writes
 * job arrays for a cluster. The command line is {@code mater experiment} (io.mater.cli.ExperimentCommand).
 */
package io.mater.experiment;
