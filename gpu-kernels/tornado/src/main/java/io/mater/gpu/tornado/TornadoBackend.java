package io.mater.gpu.tornado;

import io.mater.engine.Backend;
import io.mater.engine.BinaryOp;
import io.mater.engine.Conv2dSpec;
import io.mater.engine.Device;
import io.mater.engine.Pool2dSpec;
import io.mater.engine.ReduceOp;
import io.mater.engine.Shape;
import io.mater.engine.Storage;
import io.mater.engine.Tensor;
import io.mater.engine.UnaryOp;
import io.mater.engine.cpu.CpuBackend;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.WorkerGrid3D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The engine's {@link Backend} on a TornadoVM device ({@code tornado:N}, N = device index of TornadoVM's
 * default backend, e.g. OpenCL on PoCL).
 *
 * <p>On TornadoVM: batched matmul (tiled SGEMM kernel), softmax and log-softmax forward and backward, and
 * scaled dot-product attention forward and backward, each a task graph (attention: matmul -> scaled masked
 * softmax -> matmul; backward: matmul -> softmax backward -> three matmuls). Every distinct shape gets one
 * compiled execution plan whose device buffers persist across calls: inputs are copied in each call,
 * intermediates (scores, dP, dS) never leave the device, only results come back.
 *
 * <p>Every other op runs explicitly on the CPU over the same host memory, with no copy: each such op is
 * announced once on stderr and counted in {@link #cpuFallbacks()}. With {@code -Dmater.tornado.strict=true}
 * they throw instead.
 *
 * <p>TornadoVM recovers from a kernel that fails to compile by running the Java method sequentially. This
 * backend turns that off ({@code tornado.recover.bailout=False}) before TornadoVM starts, checks at open that
 * a canary kernel really ran on the device, and rethrows any TornadoVM failure naming the op and shape.
 */
public final class TornadoBackend implements Backend {
    private static final Map<Integer, TornadoBackend> OPEN = new ConcurrentHashMap<>();
    private static final CpuBackend CPU = CpuBackend.INSTANCE;
    private static final int ROWS_PER_GROUP = 32;

    private final Device device;
    private final uk.ac.manchester.tornado.api.common.TornadoDevice tornadoDevice;
    private final boolean strict = Boolean.getBoolean("mater.tornado.strict");
    private final Map<String, Plan> plans = new LinkedHashMap<>();
    private final Map<String, AtomicLong> fallbacks = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> kernelCalls = new ConcurrentHashMap<>();

    private TornadoBackend(int index) {
        this.device = new Device("tornado", index);
        this.tornadoDevice = TornadoExecutionPlan.getDevice(0, index);
    }

    /** Opens (once) the backend for TornadoVM device {@code index} of its first backend, e.g. OpenCL. */
    public static TornadoBackend open(int index) {
        // Must happen before TornadoVM reads its options: a kernel that fails to compile then throws
        // instead of silently running as sequential Java.
        if (System.getProperty("tornado.recover.bailout") == null) System.setProperty("tornado.recover.bailout", "False");
        return OPEN.computeIfAbsent(index, i -> {
            TornadoBackend b;
            try {
                b = new TornadoBackend(i);
            } catch (RuntimeException | LinkageError e) {
                throw new IllegalStateException("device 'tornado:" + i + "': TornadoVM is not available (" + e
                        + "). Install the TornadoVM SDK, set TORNADOVM_HOME and launch through its argfile: java @$TORNADOVM_HOME/tornado-argfile ...", e);
            }
            b.checkRunsOnDevice();
            Runtime.getRuntime().addShutdownHook(new Thread(b::reportFallbacks));
            return b;
        });
    }

    /** Description of the TornadoVM device (name and backend). */
    public String deviceName() {
        return tornadoDevice.getPhysicalDevice().getDeviceName() + " [" + tornadoDevice.getTornadoVMBackend() + "]";
    }

    /** One line for the CLI's device banner. */
    public String describe() {
        return "TornadoVM " + deviceName();
    }

    /** How many times each op ran on the CPU instead of TornadoVM (op name -> count). */
    public Map<String, Long> cpuFallbacks() {
        var m = new TreeMap<String, Long>();
        fallbacks.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** How many times each TornadoVM task graph ran (graph name -> count). */
    public Map<String, Long> kernelCalls() {
        var m = new TreeMap<String, Long>();
        kernelCalls.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    private void reportFallbacks() {
        if (!fallbacks.isEmpty())
            System.err.println("tornado: ops run on the CPU: " + cpuFallbacks() + "; on TornadoVM: " + kernelCalls());
    }

    @Override
    public Device device() {
        return device;
    }

    // ------------------------------------------------------------------ plans: one compiled task graph per shape

    /** A compiled execution plan with its device-persistent buffers. */
    private record Plan(TornadoExecutionPlan exec, FloatArray[] in, FloatArray[] out, IntArray keys) {
        Plan(TornadoExecutionPlan exec, FloatArray[] in, FloatArray[] out) {
            this(exec, in, out, null);
        }
    }

    private float[][] run(String key, java.util.function.Supplier<Plan> build, float[]... inputs) {
        return run(key, build, null, inputs);
    }

    /** Runs the plan of key (built once), with keyVals copied into its int buffer (dropout keys). */
    private synchronized float[][] run(String key, java.util.function.Supplier<Plan> build, int[] keyVals, float[]... inputs) {
        Plan plan = plans.get(key);
        if (plan == null) {
            try {
                plan = build.get();
            } catch (RuntimeException e) {
                throw new IllegalStateException("tornado: building task graph " + key + " failed: " + e, e);
            }
            plans.put(key, plan);
        }
        if (keyVals != null) for (int i = 0; i < keyVals.length; i++) plan.keys.set(i, keyVals[i]);
        for (int i = 0; i < inputs.length; i++) {
            var seg = plan.in[i].getSegment();
            MemorySegment.copy(inputs[i], 0, seg, ValueLayout.JAVA_FLOAT, 0, inputs[i].length);
        }
        try {
            plan.exec.execute();
        } catch (RuntimeException | Error e) {
            plans.remove(key);
            throw new IllegalStateException("tornado: task graph " + key + " failed on " + deviceName()
                    + " (no sequential fallback is allowed): " + e, e);
        }
        kernelCalls.computeIfAbsent(key.substring(0, key.indexOf('[')), k -> new AtomicLong()).incrementAndGet();
        var res = new float[plan.out.length][];
        for (int i = 0; i < res.length; i++) res[i] = plan.out[i].toHeapArray();
        return res;
    }

    private static int roundUp(int x, int m) {
        return (x + m - 1) / m * m;
    }

    private static WorkerGrid3D gemmGrid(int m, int n, int batch) {
        var g = new WorkerGrid3D(roundUp(n, TornadoKernels.TILE), roundUp(m, TornadoKernels.TILE), batch);
        g.setLocalWork(TornadoKernels.TILE, TornadoKernels.TILE, 1);
        return g;
    }

    private static WorkerGrid1D rowGrid(int rows) {
        var g = new WorkerGrid1D(roundUp(rows, ROWS_PER_GROUP));
        g.setLocalWork(ROWS_PER_GROUP, 1, 1);
        return g;
    }

    private static WorkerGrid1D flatGrid(int n) {
        var g = new WorkerGrid1D(roundUp(n, 64));
        g.setLocalWork(64, 1, 1);
        return g;
    }

    private TornadoExecutionPlan plan(TaskGraph tg, GridScheduler grid) {
        return new TornadoExecutionPlan(tg.snapshot()).withGridScheduler(grid).withDevice(tornadoDevice);
    }

    /** Runs the canary kernel and fails when TornadoVM ran it as plain Java instead of on the device. */
    private void checkRunsOnDevice() {
        int n = 64;
        var out = new IntArray(n);
        out.init(0);
        var ctx = new KernelContext();
        var tg = new TaskGraph("canary").task("ids", TornadoKernels::threadIds, ctx, out)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        var grid = new WorkerGrid1D(n);
        grid.setLocalWork(16, 1, 1);
        try (var p = new TornadoExecutionPlan(tg.snapshot())) {
            p.withGridScheduler(new GridScheduler("canary.ids", grid)).withDevice(tornadoDevice).execute();
        } catch (Exception e) {
            throw new IllegalStateException("tornado: the canary kernel failed on " + deviceName() + ": " + e, e);
        }
        for (int i = 0; i < n; i++) {
            int want = 1000 * (i / 16) + i % 16 + 1;
            if (out.get(i) != want)
                throw new IllegalStateException("tornado: kernels are not running on " + deviceName() + " (canary thread "
                        + i + " wrote " + out.get(i) + ", expected " + want + "): TornadoVM fell back to sequential Java. Run with --debug "
                        + "(tornado launcher) to see why the kernel did not compile.");
        }
    }

    // ------------------------------------------------------------------ host views of device tensors

    private static float[] mem(Tensor t) {
        if (!(t.storage() instanceof TornadoMemory m))
            throw new IllegalArgumentException("tensor on " + t.device() + " given to the tornado backend; move it with to(tornado)");
        return m.data();
    }

    /** The same elements as a CPU tensor, sharing memory (no copy). */
    private static Tensor cpu(Tensor t) {
        if (t == null) return null;
        if (t.device().isCpu()) return t;
        return Tensor.view(new Storage.Heap(mem(t)), t.shape(), t.strides(), t.offset());
    }

    private Tensor dev(Tensor cpuTensor) {
        if (cpuTensor == null) return null;
        if (!(cpuTensor.storage() instanceof Storage.Heap h))
            throw new IllegalStateException("tornado: expected a CPU result, got one on " + cpuTensor.device());
        return Tensor.view(new TornadoMemory(device, h.data()), cpuTensor.shape(), cpuTensor.strides(), cpuTensor.offset());
    }

    private Tensor[] dev(Tensor[] ts) {
        var r = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) r[i] = dev(ts[i]);
        return r;
    }

    private Tensor wrap(float[] data, int[] shape) {
        return Tensor.wrap(new TornadoMemory(device, data), shape);
    }

    /** Row-major copy of t broadcast to shape. */
    private static float[] expanded(Tensor t, int[] shape) {
        var c = cpu(t);
        var strides = Shape.broadcastStrides(c.shape(), c.strides(), shape);
        return CPU.download(Tensor.view(c.storage(), shape, strides, c.offset()));
    }

    /** Counts (and announces once) an op that runs on the CPU. */
    private void fallback(String op) {
        if (strict) throw new UnsupportedOperationException("op '" + op + "' has no TornadoVM kernel on " + device + " (mater.tornado.strict=true)");
        if (fallbacks.computeIfAbsent(op, k -> new AtomicLong()).getAndIncrement() == 0)
            System.err.println("tornado: op '" + op + "' has no TornadoVM kernel; it runs on the CPU over the host mirror");
    }

    // ------------------------------------------------------------------ memory

    @Override
    public Tensor zeros(int[] shape) {
        return wrap(new float[Shape.numelInt(shape)], shape);
    }

    @Override
    public Tensor upload(Tensor cpu) {
        return wrap(CPU.download(cpu(cpu)), cpu.shape());
    }

    @Override
    public float[] download(Tensor t) {
        return CPU.download(cpu(t));
    }

    @Override
    public Tensor contiguous(Tensor t) {
        return wrap(CPU.download(cpu(t)), t.shape());
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        CPU.copy(cpu(src), cpu(dst));
    }

    @Override
    public void addInto(Tensor src, Tensor dst) {
        fallback("addInto");
        CPU.addInto(cpu(src), cpu(dst));
    }

    @Override
    public void fill(Tensor dst, float value) {
        CPU.fill(cpu(dst), value);
    }

    // ------------------------------------------------------------------ linear algebra (TornadoVM)

    @Override
    public Tensor matmul(Tensor a, Tensor b, Tensor bias) {
        int[] as = a.shape(), bs = b.shape();
        if (as.length < 2 || bs.length < 2) {
            fallback("matmul(vector)");
            return dev(CPU.matmul(cpu(a), cpu(b), cpu(bias)));
        }
        int m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
        if (bs[bs.length - 2] != k)
            throw new IllegalArgumentException("matmul: a " + Shape.str(as) + " and b " + Shape.str(bs) + " do not agree on K");
        int[] batch = Shape.broadcast(Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2));
        int nb = Shape.numelInt(batch);
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        if (nb == 0 || m == 0 || n == 0) return zeros(outShape);
        float[] ad = expanded(a, concat(batch, m, k)), bd = expanded(b, concat(batch, k, n));
        float[] biasd = bias == null ? new float[1] : expanded(bias, new int[] {n});
        int hasBias = bias == null ? 0 : 1;
        String key = "matmul[" + nb + "x" + m + "x" + n + "x" + k + "," + hasBias + "]";
        var r = run(key, () -> {
            var A = new FloatArray(nb * m * k);
            var B = new FloatArray(nb * k * n);
            var C = new FloatArray(nb * m * n);
            var bi = new FloatArray(biasd.length);
            var ctx = new KernelContext();
            var tg = new TaskGraph("mm")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, A, B, bi)
                    .task("sgemm", TornadoKernels::sgemm, ctx, A, B, C, bi, m, n, Math.max(k, 0), 0, 0, hasBias)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, C);
            return new Plan(plan(tg, new GridScheduler("mm.sgemm", gemmGrid(m, n, nb))), new FloatArray[] {A, B, bi}, new FloatArray[] {C});
        }, ad, bd, biasd);
        return wrap(r[0], outShape);
    }

    private static int[] concat(int[] batch, int x, int y) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = x;
        s[batch.length + 1] = y;
        return s;
    }

    // ------------------------------------------------------------------ softmax (TornadoVM)

    @Override
    public Tensor softmax(Tensor a, boolean log) {
        int[] s = a.shape();
        if (s.length == 0 || a.numel() == 0) {
            fallback("softmax(empty or scalar)");
            return dev(CPU.softmax(cpu(a), log));
        }
        int cols = s[s.length - 1], rows = a.numel() / cols;
        String key = "softmax[" + rows + "x" + cols + "," + log + "]";
        var r = run(key, () -> {
            var x = new FloatArray(rows * cols);
            var y = new FloatArray(rows * cols);
            var none = new FloatArray(1);
            var ctx = new KernelContext();
            var tg = new TaskGraph("sm")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, none)
                    .task("rows", TornadoKernels::softmaxRows, ctx, x, none, y, rows, cols, 1.0f, 0, log ? 1 : 0)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, y);
            return new Plan(plan(tg, new GridScheduler("sm.rows", rowGrid(rows))), new FloatArray[] {x}, new FloatArray[] {y});
        }, download(a));
        return wrap(r[0], s);
    }

    @Override
    public Tensor softmaxBackward(Tensor y, Tensor gy, boolean log) {
        int[] s = y.shape();
        if (s.length == 0 || y.numel() == 0) {
            fallback("softmaxBackward(empty or scalar)");
            return dev(CPU.softmaxBackward(cpu(y), cpu(gy), log));
        }
        int cols = s[s.length - 1], rows = y.numel() / cols;
        String key = "softmaxBackward[" + rows + "x" + cols + "," + log + "]";
        var r = run(key, () -> {
            var yy = new FloatArray(rows * cols);
            var g = new FloatArray(rows * cols);
            var gx = new FloatArray(rows * cols);
            var ctx = new KernelContext();
            var tg = new TaskGraph("smb")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, yy, g)
                    .task("rows", TornadoKernels::softmaxBackwardRows, ctx, yy, g, gx, rows, cols, 1.0f, log ? 1 : 0)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, gx);
            return new Plan(plan(tg, new GridScheduler("smb.rows", rowGrid(rows))), new FloatArray[] {yy, g}, new FloatArray[] {gx});
        }, download(y), expanded(gy, s));
        return wrap(r[0], s);
    }

    // ------------------------------------------------------------------ attention (TornadoVM task graphs)

    @Override
    public Tensor[] attention(Tensor q, Tensor k, Tensor v, Tensor mask, float scale, float dropoutP, long seed) {
        int[] qs = q.shape(), ks = k.shape(), vs = v.shape();
        int b = qs[0], h = qs[1], tq = qs[2], dk = qs[3], tk = ks[2], dv = vs[3], bh = b * h;
        int hasMask = mask == null ? 0 : 1;
        float[] maskd = mask == null ? new float[1] : expanded(mask, new int[] {b, h, tq, tk});
        String key = "attention[" + bh + "x" + tq + "x" + tk + "x" + dk + "x" + dv + "," + hasMask + "," + Float.floatToIntBits(scale) + "," + Float.floatToIntBits(dropoutP) + "]";
        boolean drop = dropoutP > 0f;
        var r = run(key, () -> {
            var Q = new FloatArray(bh * tq * dk);
            var K = new FloatArray(bh * tk * dk);
            var V = new FloatArray(bh * tk * dv);
            var M = new FloatArray(maskd.length);
            var S = new FloatArray(bh * tq * tk);   // scores: stay on the device
            var P = new FloatArray(bh * tq * tk);
            var O = new FloatArray(bh * tq * dv);
            var D = drop ? new FloatArray(bh * tq * tk) : P;  // dropout(P): stays on the device
            var keys = new IntArray(2);
            var none = new FloatArray(1);
            var c = new KernelContext[] {new KernelContext(), new KernelContext(), new KernelContext(), new KernelContext()};
            var tg = new TaskGraph("att")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, Q, K, V, M, keys)
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, S, none)
                    .task("qk", TornadoKernels::sgemm, c[0], Q, K, S, none, tq, tk, dk, 0, 1, 0)
                    .task("softmax", TornadoKernels::softmaxRows, c[1], S, M, P, bh * tq, tk, scale, hasMask, 0);
            if (drop) tg.transferToDevice(DataTransferMode.FIRST_EXECUTION, D)
                    .task("drop", TornadoKernels::dropout, c[3], P, D, keys, bh * tq * tk, dropoutP);
            tg.task("pv", TornadoKernels::sgemm, c[2], D, V, O, none, tq, dv, tk, 0, 0, 0)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, O, P);
            var grid = new GridScheduler();
            grid.addWorkerGrid("att.qk", gemmGrid(tq, tk, bh));
            grid.addWorkerGrid("att.softmax", rowGrid(bh * tq));
            if (drop) grid.addWorkerGrid("att.drop", flatGrid(bh * tq * tk));
            grid.addWorkerGrid("att.pv", gemmGrid(tq, dv, bh));
            return new Plan(plan(tg, grid), new FloatArray[] {Q, K, V, M}, new FloatArray[] {O, P}, keys);
        }, io.mater.engine.Rng.hashKeys(seed), download(q), download(k), download(v), maskd);
        return new Tensor[] {wrap(r[0], new int[] {b, h, tq, dv}), wrap(r[1], new int[] {b, h, tq, tk})};
    }

    @Override
    public Tensor[] attentionBackward(Tensor gOut, Tensor q, Tensor k, Tensor v, Tensor probs, float scale, float dropoutP, long seed) {
        int[] qs = q.shape(), ks = k.shape(), vs = v.shape();
        int b = qs[0], h = qs[1], tq = qs[2], dk = qs[3], tk = ks[2], dv = vs[3], bh = b * h;
        String key = "attentionBackward[" + bh + "x" + tq + "x" + tk + "x" + dk + "x" + dv + "," + Float.floatToIntBits(scale) + "," + Float.floatToIntBits(dropoutP) + "]";
        boolean drop = dropoutP > 0f;
        var r = run(key, () -> {
            var G = new FloatArray(bh * tq * dv);
            var Q = new FloatArray(bh * tq * dk);
            var K = new FloatArray(bh * tk * dk);
            var V = new FloatArray(bh * tk * dv);
            var P = new FloatArray(bh * tq * tk);
            var dP = new FloatArray(bh * tq * tk);  // stays on the device
            var dS = new FloatArray(bh * tq * tk);  // stays on the device
            var gQ = new FloatArray(bh * tq * dk);
            var gK = new FloatArray(bh * tk * dk);
            var gV = new FloatArray(bh * tk * dv);
            var none = new FloatArray(1);
            var keys = new IntArray(2);
            var dPd = drop ? new FloatArray(bh * tq * tk) : dP;  // dropout(dP), on the device
            var D = drop ? new FloatArray(bh * tq * tk) : P;     // dropout(P), on the device
            var c = new KernelContext[7];
            for (int i = 0; i < c.length; i++) c[i] = new KernelContext();
            var tg = new TaskGraph("attb")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, G, Q, K, V, P, keys)
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, dP, dS, none)
                    .task("dp", TornadoKernels::sgemm, c[0], G, V, dP, none, tq, tk, dv, 0, 1, 0);     // dP = g v^T
            if (drop) tg.transferToDevice(DataTransferMode.FIRST_EXECUTION, dPd, D)
                    .task("dropdp", TornadoKernels::dropout, c[5], dP, dPd, keys, bh * tq * tk, dropoutP)
                    .task("dropp", TornadoKernels::dropout, c[6], P, D, keys, bh * tq * tk, dropoutP);
            tg.task("ds", TornadoKernels::softmaxBackwardRows, c[1], P, dPd, dS, bh * tq, tk, scale, 0)
                    .task("gq", TornadoKernels::sgemm, c[2], dS, K, gQ, none, tq, dk, tk, 0, 0, 0)     // gq = dS k
                    .task("gk", TornadoKernels::sgemm, c[3], dS, Q, gK, none, tk, dk, tq, 1, 0, 0)     // gk = dS^T q
                    .task("gv", TornadoKernels::sgemm, c[4], D, G, gV, none, tk, dv, tq, 1, 0, 0)      // gv = D^T g
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, gQ, gK, gV);
            var grid = new GridScheduler();
            grid.addWorkerGrid("attb.dp", gemmGrid(tq, tk, bh));
            if (drop) {
                grid.addWorkerGrid("attb.dropdp", flatGrid(bh * tq * tk));
                grid.addWorkerGrid("attb.dropp", flatGrid(bh * tq * tk));
            }
            grid.addWorkerGrid("attb.ds", rowGrid(bh * tq));
            grid.addWorkerGrid("attb.gq", gemmGrid(tq, dk, bh));
            grid.addWorkerGrid("attb.gk", gemmGrid(tk, dk, bh));
            grid.addWorkerGrid("attb.gv", gemmGrid(tk, dv, bh));
            return new Plan(plan(tg, grid), new FloatArray[] {G, Q, K, V, P}, new FloatArray[] {gQ, gK, gV}, keys);
        }, io.mater.engine.Rng.hashKeys(seed), expanded(gOut, new int[] {b, h, tq, dv}), download(q), download(k), download(v), download(probs));
        return new Tensor[] {wrap(r[0], qs), wrap(r[1], ks), wrap(r[2], vs)};
    }

    // ------------------------------------------------------------------ everything else: explicit CPU fallback

    @Override
    public Tensor unary(UnaryOp op, Tensor a, float p, float q) {
        fallback("unary");
        return dev(CPU.unary(op, cpu(a), p, q));
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        fallback("binary");
        return dev(CPU.binary(op, cpu(a), cpu(b)));
    }

    @Override
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        fallback("where");
        return dev(CPU.where(cpu(cond), cpu(a), cpu(b)));
    }

    @Override
    public Tensor reduce(ReduceOp op, Tensor a, int[] axes, boolean keepdim) {
        fallback("reduce");
        return dev(CPU.reduce(op, cpu(a), axes, keepdim));
    }

    @Override
    public Tensor argmax(Tensor a, int axis, boolean keepdim) {
        fallback("argmax");
        return dev(CPU.argmax(cpu(a), axis, keepdim));
    }

    @Override
    public Tensor[] layerNorm(Tensor x, Tensor w, Tensor b, int cols, float eps) {
        fallback("layerNorm");
        return dev(CPU.layerNorm(cpu(x), cpu(w), cpu(b), cols, eps));
    }

    @Override
    public Tensor[] layerNormBackward(Tensor gy, Tensor x, Tensor w, Tensor mean, Tensor rstd, int cols) {
        fallback("layerNormBackward");
        return dev(CPU.layerNormBackward(cpu(gy), cpu(x), cpu(w), cpu(mean), cpu(rstd), cols));
    }

    @Override
    public Tensor dropout(Tensor x, float p, long seed) {
        int n = x.numel();
        if (n == 0 || p <= 0f || p >= 1f) {
            fallback("dropout(p=" + p + " or empty)");
            return dev(CPU.dropout(cpu(x), p, seed));
        }
        String key = "dropout[" + n + "," + Float.floatToIntBits(p) + "]";
        var r = run(key, () -> {
            var in = new FloatArray(n);
            var out = new FloatArray(n);
            var keys = new IntArray(2);
            var ctx = new KernelContext();
            var tg = new TaskGraph("drop")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, in, keys)
                    .task("mask", TornadoKernels::dropout, ctx, in, out, keys, n, p)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
            return new Plan(plan(tg, new GridScheduler("drop.mask", flatGrid(n))), new FloatArray[] {in}, new FloatArray[] {out}, keys);
        }, io.mater.engine.Rng.hashKeys(seed), download(x));
        return wrap(r[0], x.shape());
    }

    @Override
    public Tensor[] crossEntropy(Tensor logits, Tensor labels, int ignoreIndex) {
        fallback("crossEntropy");
        return dev(CPU.crossEntropy(cpu(logits), cpu(labels), ignoreIndex));
    }

    @Override
    public Tensor crossEntropyBackward(Tensor logSoftmax, Tensor labels, Tensor g, int ignoreIndex) {
        fallback("crossEntropyBackward");
        return dev(CPU.crossEntropyBackward(cpu(logSoftmax), cpu(labels), cpu(g), ignoreIndex));
    }

    @Override
    public Tensor indexSelect(Tensor a, int axis, Tensor index) {
        fallback("indexSelect");
        return dev(CPU.indexSelect(cpu(a), axis, cpu(index)));
    }

    @Override
    public Tensor indexAdd(int[] shape, int axis, Tensor index, Tensor g) {
        fallback("indexAdd");
        return dev(CPU.indexAdd(shape, axis, cpu(index), cpu(g)));
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec) {
        fallback("conv2d");
        return dev(CPU.conv2d(cpu(x), cpu(w), cpu(bias), spec));
    }

    @Override
    public Tensor conv2dBackwardInput(Tensor gy, Tensor w, int[] xShape, Conv2dSpec spec) {
        fallback("conv2dBackwardInput");
        return dev(CPU.conv2dBackwardInput(cpu(gy), cpu(w), xShape, spec));
    }

    @Override
    public Tensor conv2dBackwardWeight(Tensor gy, Tensor x, int[] wShape, Conv2dSpec spec) {
        fallback("conv2dBackwardWeight");
        return dev(CPU.conv2dBackwardWeight(cpu(gy), cpu(x), wShape, spec));
    }

    @Override
    public Tensor[] maxPool2d(Tensor x, Pool2dSpec spec) {
        fallback("maxPool2d");
        return dev(CPU.maxPool2d(cpu(x), spec));
    }

    @Override
    public Tensor maxPool2dBackward(Tensor gy, Tensor argmax, int[] xShape) {
        fallback("maxPool2dBackward");
        return dev(CPU.maxPool2dBackward(cpu(gy), cpu(argmax), xShape));
    }

    @Override
    public Tensor avgPool2d(Tensor x, Pool2dSpec spec) {
        fallback("avgPool2d");
        return dev(CPU.avgPool2d(cpu(x), spec));
    }

    @Override
    public Tensor avgPool2dBackward(Tensor gy, int[] xShape, Pool2dSpec spec) {
        fallback("avgPool2dBackward");
        return dev(CPU.avgPool2dBackward(cpu(gy), xShape, spec));
    }

    @Override
    public Tensor[] batchNorm(Tensor x, Tensor w, Tensor b, Tensor runningMean, Tensor runningVar, boolean training, float eps) {
        fallback("batchNorm");
        return dev(CPU.batchNorm(cpu(x), cpu(w), cpu(b), cpu(runningMean), cpu(runningVar), training, eps));
    }

    @Override
    public Tensor[] batchNormBackward(Tensor gy, Tensor x, Tensor w, Tensor mean, Tensor invstd, boolean training) {
        fallback("batchNormBackward");
        return dev(CPU.batchNormBackward(cpu(gy), cpu(x), cpu(w), cpu(mean), cpu(invstd), training));
    }

    @Override
    public Tensor[] localResponseNorm(Tensor x, int size, float alpha, float beta, float k) {
        fallback("localResponseNorm");
        return dev(CPU.localResponseNorm(cpu(x), size, alpha, beta, k));
    }

    @Override
    public Tensor localResponseNormBackward(Tensor gy, Tensor x, Tensor y, Tensor s, int size, float alpha, float beta) {
        fallback("localResponseNormBackward");
        return dev(CPU.localResponseNormBackward(cpu(gy), cpu(x), cpu(y), cpu(s), size, alpha, beta));
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                         float weightDecay, boolean decoupled, int step) {
        fallback("adamStep");
        CPU.adamStep(cpu(param), cpu(grad), cpu(m), cpu(v), lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }
}
