package io.mater.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Reverse-mode automatic differentiation. Ops call {@link #record} to attach a {@link GradFn} to their
 * output; {@link #backward} walks the graph in reverse topological order, sums gradients per tensor and
 * accumulates them into the {@code grad} of leaves that require it.
 */
public final class Autograd {
    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Autograd() {}

    /** A no-grad scope: ops inside record nothing. Use with try-with-resources; scopes nest. */
    public static final class NoGrad implements AutoCloseable {
        private boolean open = true;

        private NoGrad() {
            NO_GRAD_DEPTH.get()[0]++;
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                NO_GRAD_DEPTH.get()[0]--;
            }
        }
    }

    public static NoGrad noGrad() {
        return new NoGrad();
    }

    public static boolean isGradEnabled() {
        return NO_GRAD_DEPTH.get()[0] == 0;
    }

    /** Whether an op with these inputs must record its backward. */
    static boolean needsGrad(Tensor... inputs) {
        if (!isGradEnabled()) return false;
        for (var t : inputs) if (t != null && t.requiresGrad()) return true;
        return false;
    }

    /** Attaches the backward of op to out when any input requires grad; returns out. */
    static Tensor record(Tensor out, String op, GradFn.Backward backward, Tensor... inputs) {
        if (needsGrad(inputs)) {
            out.gradFn = new GradFn(op, inputs, backward);
            out.setRequiresGradInternal();
        }
        return out;
    }

    /**
     * Back-propagates gradOut (same shape as root) through the graph that produced root. Leaves that
     * require grad get the gradient added to their {@code grad}. The graph is freed afterwards unless
     * retainGraph.
     */
    static void backward(Tensor root, Tensor gradOut, boolean retainGraph) {
        if (!root.requiresGrad())
            throw new IllegalStateException("backward() on a tensor that does not require grad (op outputs need an input with requiresGrad)");
        if (!java.util.Arrays.equals(root.shape(), gradOut.shape()))
            throw new IllegalArgumentException("gradient shape " + Shape.str(gradOut.shape()) + " does not match tensor shape " + Shape.str(root.shape()));
        List<Tensor> order = topologicalOrder(root);
        var grads = new IdentityHashMap<Tensor, Tensor>();
        grads.put(root, gradOut);
        var spent = new GradientArrays(gradOut);
        try (var ignored = noGrad()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.remove(t);
                if (g == null) continue;
                spent.unref(g);
                if (t.gradFn == null) {
                    if (t.requiresGrad()) spent.keep(t.accumulateGrad(g));
                    continue;
                }
                if (t.retainsGrad()) spent.keep(t.accumulateGrad(g));
                var fn = t.gradFn;
                Tensor[] gs = fn.backward().apply(g);
                spent.dead(g);
                for (int j = 0; j < fn.inputs().length; j++) {
                    Tensor in = fn.inputs()[j];
                    Tensor gj = gs[j];
                    if (gj == null) continue;
                    if (in == null || !in.requiresGrad()) {
                        spent.dead(gj);
                        continue;
                    }
                    if (!java.util.Arrays.equals(gj.shape(), in.shape()))
                        throw new IllegalStateException("backward of " + fn.op() + " produced gradient " + Shape.str(gj.shape())
                                + " for input " + j + " of shape " + Shape.str(in.shape()));
                    Tensor prev = grads.get(in);
                    Tensor sum = prev == null ? gj : prev.add(gj);
                    grads.put(in, sum);
                    spent.ref(sum);
                    if (prev != null) {
                        spent.unref(prev);
                        spent.dead(prev);
                        spent.dead(gj);
                    }
                }
                spent.recycle();
                if (!retainGraph) t.gradFn = GradFn.FREED;
            }
        }
    }

    /**
     * The gradient arrays of one backward pass inside a CPU memory scope: an array that backward made, that no pending
     * gradient shares and that no leaf kept goes back to the {@link HeapPool} as soon as it is spent, so a training
     * step's backward reuses its own gradient memory. Counted per storage, since backward functions return views and
     * the same tensor for several inputs. Arrays made before backward (the activations) are never touched.
     */
    private static final class GradientArrays {
        private final long since = HeapPool.mark();
        private final IdentityHashMap<Storage, int[]> pending = new IdentityHashMap<>();
        private final IdentityHashMap<Storage, Boolean> kept = new IdentityHashMap<>();
        private final List<Storage> dead = new ArrayList<>();

        GradientArrays(Tensor gradOut) {
            kept.put(gradOut.storage(), true);
        }

        void ref(Tensor g) {
            pending.computeIfAbsent(g.storage(), s -> new int[1])[0]++;
        }

        void unref(Tensor g) {
            int[] c = pending.get(g.storage());
            if (c != null && --c[0] == 0) pending.remove(g.storage());
        }

        /** A storage now held by a leaf's (or a retained) grad: never recycled. */
        void keep(Tensor grad) {
            kept.put(grad.storage(), true);
        }

        void dead(Tensor g) {
            dead.add(g.storage());
        }

        void recycle() {
            for (Storage s : dead) if (!pending.containsKey(s) && !kept.containsKey(s)) HeapPool.recycle(s, since);
            dead.clear();
        }
    }

    private static List<Tensor> topologicalOrder(Tensor root) {
        var order = new ArrayList<Tensor>();
        var visited = new IdentityHashMap<Tensor, Boolean>();
        // Iterative post-order DFS: (tensor, next input index) frames.
        var stack = new ArrayDeque<Object[]>();
        stack.push(new Object[] {root, 0});
        visited.put(root, true);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Tensor[] inputs = t.gradFn == null ? new Tensor[0] : t.gradFn.inputs();
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.requiresGrad() && visited.put(in, true) == null) stack.push(new Object[] {in, 0});
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
