/** Modules, layers, optimisers and the networks of the paper, built on the engine. */
package io.mater.nn;
