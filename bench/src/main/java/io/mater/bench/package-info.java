/** JMH benchmarks of the engine's kernels and of MATER training steps. */
package io.mater.bench;
