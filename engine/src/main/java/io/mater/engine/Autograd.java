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
        try (var ignored = noGrad()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.remove(t);
                if (g == null) continue;
                if (t.gradFn == null) {
                    if (t.requiresGrad()) t.accumulateGrad(g);
                    continue;
                }
                if (t.retainsGrad()) t.accumulateGrad(g);
                var fn = t.gradFn;
                Tensor[] gs = fn.backward().apply(g);
                for (int j = 0; j < fn.inputs().length; j++) {
                    Tensor in = fn.inputs()[j];
                    if (in == null || !in.requiresGrad() || gs[j] == null) continue;
                    Tensor gj = gs[j];
                    if (!java.util.Arrays.equals(gj.shape(), in.shape()))
                        throw new IllegalStateException("backward of " + fn.op() + " produced gradient " + Shape.str(gj.shape())
                                + " for input " + j + " of shape " + Shape.str(in.shape()));
                    grads.merge(in, gj, Tensor::add);
                }
                if (!retainGraph) t.gradFn = GradFn.FREED;
            }
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
