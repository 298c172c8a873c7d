/** Device backends that plug into the engine through {@link io.mater.engine.BackendProvider}. */
package io.mater.gpu;
