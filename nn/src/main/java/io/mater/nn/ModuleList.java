package io.mater.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Modules held in order under the names 0, 1, 2, ... (torch.nn.ModuleList). */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> modules = new ArrayList<>();

    public ModuleList<M> add(M module) {
        registerModule(Integer.toString(modules.size()), module);
        modules.add(module);
        return this;
    }

    public M get(int i) {
        return modules.get(i);
    }

    public int size() {
        return modules.size();
    }

    @Override
    public Iterator<M> iterator() {
        return modules.iterator();
    }
}
