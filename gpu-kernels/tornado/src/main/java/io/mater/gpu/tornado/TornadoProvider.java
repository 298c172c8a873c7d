package io.mater.gpu.tornado;

import io.mater.engine.Backend;
import io.mater.engine.BackendProvider;

/** Plugs the TornadoVM backend in as device type {@code tornado} ({@code --device tornado[:N]}). */
public final class TornadoProvider implements BackendProvider {
    @Override
    public String type() {
        return "tornado";
    }

    @Override
    public Backend open(int index) {
        return TornadoBackend.open(index);
    }
}
