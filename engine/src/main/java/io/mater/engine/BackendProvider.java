package io.mater.engine;

/**
 * Service interface through which device backends plug into the engine with {@link java.util.ServiceLoader}
 * (list the implementation in {@code META-INF/services/io.mater.engine.BackendProvider}). The engine itself
 * depends on no backend library.
 */
public interface BackendProvider {
    /** Device type this provider serves, e.g. {@code opencl}. */
    String type();

    /**
     * Opens the backend for one device of this type.
     *
     * @throws IllegalStateException with a message naming the fix when no such device is available
     */
    Backend open(int index);
}
