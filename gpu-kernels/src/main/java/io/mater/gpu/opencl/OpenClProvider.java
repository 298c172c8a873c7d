package io.mater.gpu.opencl;

import io.mater.engine.Backend;
import io.mater.engine.BackendProvider;

/** Plugs the OpenCL backend into the engine ({@code --device opencl[:N]}) through ServiceLoader. */
public final class OpenClProvider implements BackendProvider {
    @Override
    public String type() {
        return "opencl";
    }

    @Override
    public Backend open(int index) {
        return OpenClBackend.open(index);
    }
}
