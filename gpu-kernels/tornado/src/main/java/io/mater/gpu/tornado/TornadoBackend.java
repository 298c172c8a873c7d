package io.mater.gpu.tornado;

import static io.mater.gpu.tornado.TornadoKernels.E_N;
import static io.mater.gpu.tornado.TornadoKernels.E_OFF;
import static io.mater.gpu.tornado.TornadoKernels.E_OP;
import static io.mater.gpu.tornado.TornadoKernels.E_OUT;
import static io.mater.gpu.tornado.TornadoKernels.E_RANK;
import static io.mater.gpu.tornado.TornadoKernels.E_SHAPE;
import static io.mater.gpu.tornado.TornadoKernels.E_SIZE;
import static io.mater.gpu.tornado.TornadoKernels.E_ST;
import static io.mater.gpu.tornado.TornadoKernels.MAXR;

import io.mater.engine.Backend;
import io.mater.engine.BinaryOp;
import io.mater.engine.Conv2dSpec;
import io.mater.engine.Device;
import io.mater.engine.MemoryScope;
import io.mater.engine.MemoryScopes;
import io.mater.engine.Pool2dSpec;
import io.mater.engine.ReduceOp;
import io.mater.engine.Rng;
import io.mater.engine.Shape;
import io.mater.engine.Tensor;
import io.mater.engine.UnaryOp;
import io.mater.engine.cpu.CpuBackend;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.common.TornadoFunctions;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The engine's {@link Backend} on a TornadoVM device ({@code tornado:N}, N = device index of TornadoVM's
 * default backend, e.g. OpenCL on PoCL), with every tensor resident on the device.
 *
 * <p><b>Device residency.</b> All tensors of the backend live in one device buffer, the arena (a
 * {@link FloatArray} of {@code -Dmater.tornado.arenaMiB} MiB, default 256), as blocks handed out by
 * {@link ArenaAllocator}. The backend holds one {@link TornadoExecutionPlan} of many task graphs, one per
 * kernel; each graph takes the arena with {@code consumeFromDevice} and hands it on with
 * {@code persistOnDevice}, so the arena's device buffer passes from graph to graph and is never copied to or
 * from the host. A call copies only its small argument arrays (offsets, sizes, strides) to the device and
 * runs the graph with {@code withGraph(i).execute()}. Host copies happen only in {@link #upload} and
 * {@link #download}, through staging graphs. One compiled kernel serves every shape, so a training step
 * compiles each kernel once.
 *
 * <p><b>On TornadoVM:</b> copies, fills and accumulation over strided views; unary, binary (broadcast) and
 * where; reductions and argmax; batched strided SGEMM with bias; softmax and log-softmax forward and backward;
 * layer norm forward and backward; cross entropy forward and backward; dropout (the CPU's masks); index
 * select and index add; attention forward and backward (composed of SGEMM, masked softmax and dropout);
 * Adam. <b>Not on TornadoVM</b>: conv2d, pooling, batch norm and local response norm (MATER's Transformer
 * does not use them): they download their inputs, run on the CPU, upload the results, and are announced
 * once on stderr and counted in {@link #cpuFallbacks()}; with {@code -Dmater.tornado.strict=true} they throw.
 *
 * <p>TornadoVM recovers from a kernel that fails to compile by running the Java method sequentially. This
 * backend turns that off ({@code tornado.recover.bailout=False}) before TornadoVM starts, checks at open that
 * a canary kernel really ran on the device, and rethrows any TornadoVM failure naming the kernel.
 */
public final class TornadoBackend implements Backend {
    private static final Map<Integer, TornadoBackend> OPEN = new ConcurrentHashMap<>();
    private static final CpuBackend CPU = CpuBackend.INSTANCE;
    private static final int IP = 64, FP = 8;          // argument arrays of every kernel graph
    private static final int[] STAGING = {1 << 10, 1 << 14, 1 << 18, 1 << 22}; // upload / download chunk sizes (floats)
    private static final int CANARY = 64;

    /** One kernel graph: its name, the kernel, and its fixed 1-D grid. */
    private record Kernel(String name, TornadoFunctions.Task4<KernelContext, FloatArray, IntArray, FloatArray> fn, int global, int local) {}

    private static final int FLAT = 16384, ROWS = 2048;
    private static final List<Kernel> KERNELS = List.of(
            new Kernel("copy", TornadoKernels::copyStrided, FLAT, 64),
            new Kernel("fill", TornadoKernels::fillStrided, FLAT, 64),
            new Kernel("unary", TornadoKernels::unary, FLAT, 64),
            new Kernel("binary", TornadoKernels::binary, FLAT, 64),
            new Kernel("where", TornadoKernels::where3, FLAT, 64),
            new Kernel("dropout", TornadoKernels::dropout, FLAT, 64),
            new Kernel("adam", TornadoKernels::adam, FLAT, 64),
            new Kernel("reduce", TornadoKernels::reduceRows, ROWS, 64),
            new Kernel("argmax", TornadoKernels::argmaxRows, ROWS, 64),
            new Kernel("softmax", TornadoKernels::softmaxRows, ROWS, 64),
            new Kernel("softmaxBackward", TornadoKernels::softmaxBackwardRows, ROWS, 64),
            new Kernel("layerNorm", TornadoKernels::layerNormRows, ROWS, 64),
            new Kernel("layerNormBackward", TornadoKernels::layerNormBackwardRows, ROWS, 64),
            new Kernel("layerNormParams", TornadoKernels::layerNormParams, ROWS, 64),
            new Kernel("crossEntropy", TornadoKernels::crossEntropy, ROWS, 64),
            new Kernel("crossEntropyBackward", TornadoKernels::crossEntropyBackward, FLAT, 64),
            new Kernel("indexSelect", TornadoKernels::indexSelect, FLAT, 64),
            new Kernel("indexAdd", TornadoKernels::indexAdd, FLAT, 64),
            new Kernel("sgemm", TornadoKernels::sgemm, 64 * TornadoKernels.TILE * TornadoKernels.TILE, TornadoKernels.TILE * TornadoKernels.TILE));

    private final Device device;
    private final uk.ac.manchester.tornado.api.common.TornadoDevice tornadoDevice;
    private final boolean strict = Boolean.getBoolean("mater.tornado.strict");
    private final Map<String, AtomicLong> fallbacks = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> kernelCalls = new ConcurrentHashMap<>();

    // the arena and the plan of all kernel graphs (graph 0: canary, which also puts the arena on the device)
    private final FloatArray arena;
    private final ArenaAllocator allocator;
    private final TornadoExecutionPlan plan;
    private final Map<String, Integer> graphIndex = new ConcurrentHashMap<>();
    private final List<IntArray> ips = new ArrayList<>();
    private final List<FloatArray> fps = new ArrayList<>();
    private final int firstUpload, firstDownload;
    private final AtomicLong peak = new AtomicLong(), hostBytes = new AtomicLong();
    private final MemoryScopes scopes = new MemoryScopes();

    private TornadoBackend(int index) {
        this.device = new Device("tornado", index);
        this.tornadoDevice = TornadoExecutionPlan.getDevice(0, index);
        long mib = Long.getLong("mater.tornado.arenaMiB", 256);
        long floats = mib * (1L << 20) / 4;
        if (mib <= 0 || floats > Integer.MAX_VALUE - ArenaAllocator.ALIGN)
            throw new IllegalArgumentException("mater.tornado.arenaMiB must be in 1.." + (Integer.MAX_VALUE / (1 << 18)) + ", got " + mib);
        this.arena = new FloatArray((int) floats);
        this.allocator = new ArenaAllocator((int) floats);

        var graphs = new ArrayList<TaskGraph>();
        var grid = new GridScheduler();
        // graph 0: canary; its FIRST_EXECUTION transfer puts the arena on the device, persisted for the others
        var ids = new IntArray(CANARY);
        var none = new FloatArray(1);
        graphs.add(new TaskGraph("canary")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, arena, none)
                .task("k", TornadoKernels::canary, new KernelContext(), arena, ids, none)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, ids)
                .persistOnDevice(arena));
        grid.addWorkerGrid("canary.k", grid1d(CANARY, 16));
        ips.add(ids);
        fps.add(none);
        for (Kernel k : KERNELS) addGraph(graphs, grid, k.name, k.fn, new FloatArray(FP), false, k.global, k.local);
        firstUpload = graphs.size();
        for (int s : STAGING) addGraph(graphs, grid, "up" + s, TornadoKernels::upload, new FloatArray(s), false, FLAT, 64);
        firstDownload = graphs.size();
        for (int s : STAGING) addGraph(graphs, grid, "down" + s, TornadoKernels::download, new FloatArray(s), true, FLAT, 64);
        var snapshots = graphs.stream().map(TaskGraph::snapshot).toArray(uk.ac.manchester.tornado.api.ImmutableTaskGraph[]::new);
        var p = new TornadoExecutionPlan(snapshots);
        p.withDevice(tornadoDevice);
        p.withGridScheduler(grid);
        this.plan = p;
    }

    private void addGraph(List<TaskGraph> graphs, GridScheduler grid, String name, TornadoFunctions.Task4<KernelContext, FloatArray, IntArray, FloatArray> fn,
                          FloatArray fp, boolean toHost, int global, int local) {
        var ip = new IntArray(IP);
        var tg = new TaskGraph(name)
                .consumeFromDevice(arena)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, ip, fp)
                .task("k", fn, new KernelContext(), arena, ip, fp);
        if (toHost) tg.transferToHost(DataTransferMode.EVERY_EXECUTION, fp);
        tg.persistOnDevice(arena);
        grid.addWorkerGrid(name + ".k", grid1d(global, local));
        graphIndex.put(name, graphs.size());
        graphs.add(tg);
        ips.add(ip);
        fps.add(fp);
    }

    private static WorkerGrid1D grid1d(int global, int local) {
        var g = new WorkerGrid1D(global);
        g.setLocalWork(local, 1, 1);
        return g;
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
                if (e instanceof IllegalArgumentException) throw e;
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
        return "TornadoVM " + deviceName() + ", arena " + (4L * allocator.capacity() >> 20) + " MiB";
    }

    /** How many times each op ran on the CPU instead of TornadoVM (op name -> count). */
    public Map<String, Long> cpuFallbacks() {
        var m = new TreeMap<String, Long>();
        fallbacks.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** How many times each TornadoVM kernel graph ran (graph name -> count). */
    public Map<String, Long> kernelCalls() {
        var m = new TreeMap<String, Long>();
        kernelCalls.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** Bytes copied between host and device by {@link #upload} and {@link #download} (and CPU fallbacks) so far. */
    public long hostTransferBytes() {
        return hostBytes.get();
    }

    private void reportFallbacks() {
        if (!fallbacks.isEmpty())
            System.err.println("tornado: ops run on the CPU: " + cpuFallbacks() + "; on TornadoVM: " + kernelCalls());
    }

    @Override
    public Device device() {
        return device;
    }

    // ------------------------------------------------------------------ running a kernel graph

    /** Runs kernel graph name with integer arguments ip and float arguments fp. */
    private synchronized void launch(String name, int[] ip, float... fp) {
        int g = graphIndex.get(name);
        run(g, name, ip, fp);
    }

    private void run(int g, String name, int[] ip, float[] fp) {
        if (ip.length > IP || (fp != null && fp.length > FP && g < firstUpload))
            throw new IllegalArgumentException("tornado: too many arguments for " + name);
        IntArray ia = ips.get(g);
        for (int i = 0; i < ip.length; i++) ia.set(i, ip[i]);
        if (fp != null && g < firstUpload) {
            FloatArray fa = fps.get(g);
            for (int i = 0; i < fp.length; i++) fa.set(i, fp[i]);
        }
        try {
            plan.withGraph(g).execute();
        } catch (RuntimeException | Error e) {
            throw new IllegalStateException("tornado: kernel " + name + " failed on " + deviceName() + " (no sequential fallback is allowed): " + e, e);
        }
        kernelCalls.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
    }

    /** Runs the canary graph (which also puts the arena on the device) and fails when it ran as plain Java. */
    private synchronized void checkRunsOnDevice() {
        try {
            run(0, "canary", new int[0], null);
        } catch (RuntimeException e) {
            throw new IllegalStateException("tornado: the canary kernel failed on " + deviceName() + ": " + e, e);
        }
        IntArray out = ips.get(0);
        for (int i = 0; i < CANARY; i++) {
            int want = 1000 * (i / 16) + i % 16 + 1;
            if (out.get(i) != want)
                throw new IllegalStateException("tornado: kernels are not running on " + deviceName() + " (canary thread "
                        + i + " wrote " + out.get(i) + ", expected " + want + "): TornadoVM fell back to sequential Java. Run with --debug "
                        + "(tornado launcher) to see why the kernel did not compile.");
        }
    }

    /** Copies data to the arena at element offset dst, in staging chunks. */
    private synchronized void write(int dst, float[] data) {
        int done = 0;
        while (done < data.length) {
            int len = Math.min(data.length - done, STAGING[STAGING.length - 1]);
            int b = 0;
            while (STAGING[b] < len) b++;
            int g = firstUpload + b;
            MemorySegment.copy(data, done, fps.get(g).getSegment(), ValueLayout.JAVA_FLOAT, 0, len);
            run(g, "upload", new int[] {dst + done, len}, null);
            done += len;
        }
        hostBytes.addAndGet(4L * data.length);
    }

    /** The n floats at element offset src of the arena, in staging chunks. */
    private synchronized float[] read(int src, int n) {
        float[] out = new float[n];
        int done = 0;
        while (done < n) {
            int len = Math.min(n - done, STAGING[STAGING.length - 1]);
            int b = 0;
            while (STAGING[b] < len) b++;
            int g = firstDownload + b;
            run(g, "download", new int[] {src + done, len}, null);
            MemorySegment.copy(fps.get(g).getSegment(), ValueLayout.JAVA_FLOAT, 0, out, done, len);
            done += len;
        }
        hostBytes.addAndGet(4L * n);
        return out;
    }

    // ------------------------------------------------------------------ memory and scopes

    private TornadoMemory alloc(long floats) {
        int len = ArenaAllocator.blockLength(floats);
        for (int attempt = 0; ; attempt++) {
            int off;
            long now;
            synchronized (allocator) {
                off = allocator.alloc(len);
                now = allocator.inUse();
            }
            if (off >= 0) {
                peak.accumulateAndGet(4 * now, Math::max);
                var m = new TornadoMemory(this, off, len, floats);
                scopes.adopt(m);
                return m;
            }
            if (attempt == 4)
                throw new IllegalStateException("tornado: out of device memory on " + device + ": " + (4L * len >> 10) + " KiB requested, "
                        + (4L * now >> 20) + " of " + (4L * allocator.capacity() >> 20) + " MiB in use; raise -Dmater.tornado.arenaMiB");
            System.gc(); // unreachable tensors give their blocks back through the Cleaner
            try {
                Thread.sleep(10L << attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for device memory", e);
            }
        }
    }

    /** Called once per block, by close() or by the Cleaner. */
    void released(TornadoMemory.Block b) {
        synchronized (allocator) {
            allocator.free(b.offset, b.length);
        }
    }

    private Tensor newTensor(int[] shape) {
        Shape.check(shape);
        return Tensor.wrap(alloc(Shape.numel(shape)), shape);
    }

    private static TornadoMemory memory(Tensor t) {
        if (t.storage() instanceof TornadoMemory m) return m;
        throw new IllegalArgumentException("tensor " + Shape.str(t.shape()) + " lives on " + t.device() + ", not on TornadoVM; move it with to(device)");
    }

    /** Arena offset of t's first element. */
    private static int off(Tensor t) {
        return memory(t).base() + t.offset();
    }

    @Override
    public MemoryScope memoryScope() {
        return scopes.open();
    }

    @Override
    public long memoryInUse() {
        synchronized (allocator) {
            return 4 * allocator.inUse();
        }
    }

    @Override
    public long memoryPeak() {
        return peak.get();
    }

    // ------------------------------------------------------------------ helpers

    /** t itself when contiguous (any offset), else a contiguous copy. */
    private Tensor dense(Tensor t) {
        return t.isContiguous() ? t : contiguous(t);
    }

    /** Elementwise arguments: the output shape, each operand's strides broadcast to it and its arena offset. */
    private static int[] meta(int[] outShape, int outOff, int op, Tensor... ops) {
        int rank = outShape.length;
        if (rank > MAXR) throw new UnsupportedOperationException("tornado elementwise kernels support up to " + MAXR + " dims, got " + Shape.str(outShape));
        int[] m = new int[E_SIZE];
        m[E_RANK] = Math.max(rank, 1);
        m[E_N] = Shape.numelInt(outShape);
        if (rank == 0) m[E_SHAPE] = 1;
        for (int d = 0; d < rank; d++) m[E_SHAPE + d] = outShape[d];
        for (int k = 0; k < ops.length; k++) {
            Tensor t = ops[k];
            int[] st = Shape.broadcastStrides(t.shape(), t.strides(), outShape);
            for (int d = 0; d < rank; d++) m[E_ST + k * MAXR + d] = st[d];
            m[E_OFF + k] = off(t);
        }
        m[E_OUT] = outOff;
        m[E_OP] = op;
        return m;
    }

    /** Counts (and announces once) an op that runs on the CPU. */
    private void fallback(String op) {
        if (strict) throw new UnsupportedOperationException("op '" + op + "' has no TornadoVM kernel on " + device + " (mater.tornado.strict=true)");
        if (fallbacks.computeIfAbsent(op, k -> new AtomicLong()).getAndIncrement() == 0)
            System.err.println("tornado: op '" + op + "' has no TornadoVM kernel; it runs on the CPU (inputs downloaded, results uploaded)");
    }

    /** A device tensor as a CPU tensor (downloaded), for the CPU fallbacks. */
    private Tensor host(Tensor t) {
        return t == null ? null : Tensor.of(download(t), t.shape());
    }

    private Tensor[] upload(Tensor[] ts) {
        var r = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) r[i] = ts[i] == null ? null : upload(ts[i]);
        return r;
    }

    // ------------------------------------------------------------------ memory ops

    @Override
    public Tensor zeros(int[] shape) {
        var t = newTensor(shape);
        fill(t, 0f);
        return t;
    }

    @Override
    public Tensor upload(Tensor cpu) {
        float[] d = CPU.download(cpu);
        var out = newTensor(cpu.shape());
        if (d.length > 0) write(off(out), d);
        return out;
    }

    @Override
    public float[] download(Tensor t) {
        Tensor d = dense(t);
        int n = d.numel();
        return n == 0 ? new float[0] : read(off(d), n);
    }

    @Override
    public Tensor contiguous(Tensor t) {
        int[] shape = t.shape();
        var out = newTensor(shape);
        if (out.numel() > 0) launch("copy", meta(shape, 0, 0, t, out));
        return out;
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (dst.numel() > 0) launch("copy", meta(dst.shape(), 0, 0, src, dst));
    }

    @Override
    public void addInto(Tensor src, Tensor dst) {
        if (dst.numel() > 0) launch("copy", meta(dst.shape(), 0, 1, src, dst));
    }

    @Override
    public void fill(Tensor dst, float value) {
        if (dst.numel() > 0) launch("fill", meta(dst.shape(), 0, 0, dst), value);
    }

    // ------------------------------------------------------------------ elementwise

    @Override
    public Tensor unary(UnaryOp op, Tensor a, float p, float q) {
        var out = newTensor(a.shape());
        if (out.numel() > 0) launch("unary", meta(a.shape(), off(out), op.ordinal(), a), p, q);
        return out;
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(a.shape(), b.shape());
        var out = newTensor(shape);
        if (out.numel() > 0) launch("binary", meta(shape, off(out), op.ordinal(), a, b));
        return out;
    }

    @Override
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(Shape.broadcast(cond.shape(), a.shape()), b.shape());
        var out = newTensor(shape);
        if (out.numel() > 0) launch("where", meta(shape, off(out), 0, cond, a, b));
        return out;
    }

    @Override
    public Tensor dropout(Tensor x, float p, long seed) {
        Tensor xd = dense(x);
        var out = newTensor(x.shape());
        int[] keys = Rng.hashKeys(seed);
        if (out.numel() > 0) launch("dropout", new int[] {off(xd), off(out), out.numel(), keys[0], keys[1]}, p);
        return out;
    }

    // ------------------------------------------------------------------ reductions

    /** a viewed with the kept axes first and the reduced ones last, made contiguous: [rows, cols]. */
    private Tensor moveLast(Tensor a, int[] axes) {
        return dense(a.detach().permute(Shape.reducedLast(a.dim(), axes)));
    }

    @Override
    public Tensor reduce(ReduceOp op, Tensor a, int[] axes, boolean keepdim) {
        int[] outShape = Shape.reduced(a.shape(), axes, keepdim);
        if (axes.length == 0) return Tensor.wrap(contiguous(a).storage(), outShape);
        Tensor x = moveLast(a, axes);
        int cols = 1;
        for (int ax : axes) cols *= a.shape()[ax];
        var out = newTensor(outShape);
        if (out.numel() > 0) launch("reduce", new int[] {off(x), off(out), out.numel(), cols, op.ordinal()});
        return out;
    }

    @Override
    public Tensor argmax(Tensor a, int axis, boolean keepdim) {
        int[] shape = a.shape();
        int[] axes = shape.length == 0 ? new int[0] : new int[] {axis};
        Tensor x = shape.length == 0 ? dense(a) : moveLast(a, axes);
        int cols = shape.length == 0 ? 1 : shape[axis];
        var out = newTensor(Shape.reduced(shape, axes, keepdim));
        if (out.numel() > 0) launch("argmax", new int[] {off(x), off(out), out.numel(), cols});
        return out;
    }

    // ------------------------------------------------------------------ matmul

    @Override
    public Tensor matmul(Tensor a, Tensor b, Tensor bias) {
        int ra = a.dim(), rb = b.dim();
        if (ra < 2 || rb < 2) throw new IllegalArgumentException("matmul: operands must have at least 2 dims, got " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()));
        int[] as = a.shape(), bs = b.shape(), ast = a.strides(), bst = b.strides();
        int m = as[ra - 2], k = as[ra - 1], n = bs[rb - 1];
        if (bs[rb - 2] != k) throw new IllegalArgumentException("matmul: " + Shape.str(as) + " @ " + Shape.str(bs) + ": inner sizes differ");
        int[] ba = Arrays.copyOf(as, ra - 2), bb = Arrays.copyOf(bs, rb - 2);
        int[] batchShape = Shape.broadcast(ba, bb);
        if (batchShape.length > 4) {
            // fold leading batch dims: materialise both operands broadcast to the full batch shape
            int[] fa = concat(batchShape, new int[] {m, k}), fb = concat(batchShape, new int[] {k, n});
            Tensor a2 = contiguous(Tensor.view(a.storage(), fa, Shape.broadcastStrides(as, ast, fa), a.offset()));
            Tensor b2 = contiguous(Tensor.view(b.storage(), fb, Shape.broadcastStrides(bs, bst, fb), b.offset()));
            int batch = Shape.numelInt(batchShape);
            Tensor c = matmul(Tensor.wrap(a2.storage(), batch, m, k), Tensor.wrap(b2.storage(), batch, k, n), bias);
            return Tensor.wrap(c.storage(), concat(batchShape, new int[] {m, n}));
        }
        int[] sa = Shape.broadcastStrides(ba, Arrays.copyOf(ast, ra - 2), batchShape);
        int[] sb = Shape.broadcastStrides(bb, Arrays.copyOf(bst, rb - 2), batchShape);
        var out = newTensor(concat(batchShape, new int[] {m, n}));
        if (out.numel() == 0) return out;
        if (k == 0) {
            // empty inner dimension: the product is zero (plus the bias)
            fill(out, 0f);
            if (bias != null) addInto(bias, out);
            return out;
        }
        Tensor bd = bias == null ? null : dense(bias);
        int[] g = new int[TornadoKernels.G_SIZE];
        g[0] = m; g[1] = n; g[2] = k;
        g[3] = off(a); g[4] = ast[ra - 2]; g[5] = ast[ra - 1];
        g[6] = off(b); g[7] = bst[rb - 2]; g[8] = bst[rb - 1];
        g[9] = batchShape.length;
        for (int i = 0; i < batchShape.length; i++) {
            g[TornadoKernels.G_BATCH + i] = batchShape[i];
            g[TornadoKernels.G_SA + i] = sa[i];
            g[TornadoKernels.G_SB + i] = sb[i];
        }
        g[TornadoKernels.G_HASBIAS] = bias == null ? 0 : 1;
        g[TornadoKernels.G_BIAS] = bias == null ? 0 : off(bd);
        g[TornadoKernels.G_C] = off(out);
        launch("sgemm", g);
        return out;
    }

    private static int[] concat(int[] x, int[] y) {
        int[] r = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }

    // ------------------------------------------------------------------ rows

    private static int lastDim(Tensor t) {
        return t.dim() == 0 ? 1 : t.shape()[t.dim() - 1];
    }

    @Override
    public Tensor softmax(Tensor a, boolean log) {
        return softmax(a, 1f, null, log);
    }

    /** softmax(scale a + mask) over the last axis; a [B, H, Tq, Tk] when mask (broadcastable to it) is given. */
    private Tensor softmax(Tensor a, float scale, Tensor mask, boolean log) {
        Tensor x = dense(a);
        var out = newTensor(a.shape());
        int cols = lastDim(a), rows = cols == 0 ? 0 : a.numel() / cols;
        if (rows == 0) return out;
        int[] ip = {off(x), off(out), rows, cols, log ? 1 : 0, 0, 0, 1, 1, 0, 0, 0, 0};
        if (mask != null) {
            int[] s = a.shape();
            if (a.dim() != 4) throw new IllegalArgumentException("masked softmax: scores must be [B, H, Tq, Tk], got " + Shape.str(s));
            int[] ms = Shape.broadcastStrides(mask.shape(), mask.strides(), s);
            ip = new int[] {off(x), off(out), rows, cols, log ? 1 : 0, 1, off(mask), s[1], s[2], ms[0], ms[1], ms[2], ms[3]};
        }
        launch("softmax", ip, scale);
        return out;
    }

    @Override
    public Tensor softmaxBackward(Tensor y, Tensor gy, boolean log) {
        Tensor yd = dense(y), gd = dense(gy);
        var out = newTensor(y.shape());
        int cols = lastDim(y), rows = cols == 0 ? 0 : y.numel() / cols;
        if (rows > 0) launch("softmaxBackward", new int[] {off(yd), off(gd), off(out), rows, cols, log ? 1 : 0});
        return out;
    }

    @Override
    public Tensor[] layerNorm(Tensor x, Tensor w, Tensor b, int cols, float eps) {
        Tensor xd = dense(x), wd = w == null ? null : dense(w), bd = b == null ? null : dense(b);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        Tensor y = newTensor(x.shape()), mean = newTensor(new int[] {rows}), rstd = newTensor(new int[] {rows});
        if (rows > 0)
            launch("layerNorm", new int[] {off(xd), wd == null ? 0 : off(wd), bd == null ? 0 : off(bd), off(y), off(mean), off(rstd), rows, cols,
                    wd == null ? 0 : 1, bd == null ? 0 : 1}, eps);
        return new Tensor[] {y, mean, rstd};
    }

    @Override
    public Tensor[] layerNormBackward(Tensor gy, Tensor x, Tensor w, Tensor mean, Tensor rstd, int cols) {
        Tensor gd = dense(gy), xd = dense(x), wd = w == null ? null : dense(w), md = dense(mean), rd = dense(rstd);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        Tensor gx = newTensor(x.shape());
        if (rows > 0)
            launch("layerNormBackward", new int[] {off(gd), off(xd), wd == null ? 0 : off(wd), off(md), off(rd), off(gx), rows, cols, wd == null ? 0 : 1});
        if (w == null) return new Tensor[] {gx, null, null};
        Tensor gw = newTensor(new int[] {cols}), gb = newTensor(new int[] {cols});
        if (cols > 0) launch("layerNormParams", new int[] {off(gd), off(xd), off(md), off(rd), off(gw), off(gb), rows, cols});
        return new Tensor[] {gx, gw, gb};
    }

    @Override
    public Tensor[] crossEntropy(Tensor logits, Tensor labels, int ignoreIndex) {
        int n = logits.shape()[0], c = logits.shape()[1];
        Tensor logp = softmax(logits, true), lab = dense(labels);
        var loss = newTensor(new int[] {n});
        if (n > 0) launch("crossEntropy", new int[] {off(logp), off(lab), off(loss), n, c, ignoreIndex});
        return new Tensor[] {loss, logp};
    }

    @Override
    public Tensor crossEntropyBackward(Tensor logSoftmax, Tensor labels, Tensor g, int ignoreIndex) {
        int n = logSoftmax.shape()[0], c = logSoftmax.shape()[1];
        Tensor lp = dense(logSoftmax), lab = dense(labels);
        int gStride = g.dim() == 0 ? 0 : g.strides()[0];
        var gx = newTensor(new int[] {n, c});
        if (n * c > 0) launch("crossEntropyBackward", new int[] {off(lp), off(lab), off(g), gStride, off(gx), n, c, ignoreIndex});
        return gx;
    }

    // ------------------------------------------------------------------ gather and scatter

    @Override
    public Tensor indexSelect(Tensor a, int axis, Tensor index) {
        Tensor x = dense(a), idx = dense(index);
        int[] shape = a.shape();
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
        int[] outShape = shape.clone();
        outShape[axis] = index.numel();
        var out = newTensor(outShape);
        if (out.numel() > 0) launch("indexSelect", new int[] {off(x), off(idx), off(out), outer, shape[axis], index.numel(), inner});
        return out;
    }

    @Override
    public Tensor indexAdd(int[] shape, int axis, Tensor index, Tensor g) {
        Tensor gd = dense(g), idx = dense(index);
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
        var out = newTensor(shape);
        if (out.numel() > 0) launch("indexAdd", new int[] {off(gd), off(idx), off(out), outer, shape[axis], index.numel(), inner});
        return out;
    }

    // ------------------------------------------------------------------ attention (composed of the kernels above)

    @Override
    public Tensor[] attention(Tensor q, Tensor k, Tensor v, Tensor mask, float scale, float dropoutP, long seed) {
        Tensor p = softmax(matmul(q, k.detach().transpose(-2, -1), null), scale, mask, false);
        Tensor d = dropoutP > 0f ? dropout(p, dropoutP, seed) : p;
        return new Tensor[] {matmul(d, v, null), p};
    }

    @Override
    public Tensor[] attentionBackward(Tensor g, Tensor q, Tensor k, Tensor v, Tensor p, float scale, float dropoutP, long seed) {
        Tensor d = dropoutP > 0f ? dropout(p, dropoutP, seed) : p;
        Tensor gv = matmul(d.detach().transpose(-2, -1), g, null);
        Tensor dD = matmul(g, v.detach().transpose(-2, -1), null);
        Tensor dP = dropoutP > 0f ? dropout(dD, dropoutP, seed) : dD;
        Tensor dS = softmaxBackward(p, dP, false);
        Tensor gq = unary(UnaryOp.AFFINE, matmul(dS, k, null), scale, 0f);
        Tensor gk = unary(UnaryOp.AFFINE, matmul(dS.detach().transpose(-2, -1), q, null), scale, 0f);
        return new Tensor[] {gq, gk, gv};
    }

    // ------------------------------------------------------------------ optimiser

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                         float weightDecay, boolean decoupled, int step) {
        for (Tensor t : new Tensor[] {param, m, v})
            if (!t.isContiguous()) throw new IllegalArgumentException("adam: parameter and state tensors must be contiguous");
        Tensor g = dense(grad);
        var bias = AdamBias.of(lr, beta1, beta2, step);
        float stepSize = bias.stepSize(), bc2Sqrt = bias.bc2Sqrt();
        int n = param.numel();
        if (n > 0)
            launch("adam", new int[] {off(param), off(g), off(m), off(v), n, decoupled ? 1 : 0}, lr, beta1, beta2, eps, weightDecay, stepSize, bc2Sqrt);
    }

    // ------------------------------------------------------------------ convolution, pooling, batch and response norm: CPU

    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec) {
        fallback("conv2d");
        return upload(CPU.conv2d(host(x), host(w), host(bias), spec));
    }

    @Override
    public Tensor conv2dBackwardInput(Tensor gy, Tensor w, int[] xShape, Conv2dSpec spec) {
        fallback("conv2dBackwardInput");
        return upload(CPU.conv2dBackwardInput(host(gy), host(w), xShape, spec));
    }

    @Override
    public Tensor conv2dBackwardWeight(Tensor gy, Tensor x, int[] wShape, Conv2dSpec spec) {
        fallback("conv2dBackwardWeight");
        return upload(CPU.conv2dBackwardWeight(host(gy), host(x), wShape, spec));
    }

    @Override
    public Tensor[] maxPool2d(Tensor x, Pool2dSpec spec) {
        fallback("maxPool2d");
        return upload(CPU.maxPool2d(host(x), spec));
    }

    @Override
    public Tensor maxPool2dBackward(Tensor gy, Tensor argmax, int[] xShape) {
        fallback("maxPool2dBackward");
        return upload(CPU.maxPool2dBackward(host(gy), host(argmax), xShape));
    }

    @Override
    public Tensor avgPool2d(Tensor x, Pool2dSpec spec) {
        fallback("avgPool2d");
        return upload(CPU.avgPool2d(host(x), spec));
    }

    @Override
    public Tensor avgPool2dBackward(Tensor gy, int[] xShape, Pool2dSpec spec) {
        fallback("avgPool2dBackward");
        return upload(CPU.avgPool2dBackward(host(gy), xShape, spec));
    }

    @Override
    public Tensor[] batchNorm(Tensor x, Tensor w, Tensor b, Tensor runningMean, Tensor runningVar, boolean training, float eps) {
        fallback("batchNorm");
        return upload(CPU.batchNorm(host(x), host(w), host(b), host(runningMean), host(runningVar), training, eps));
    }

    @Override
    public Tensor[] batchNormBackward(Tensor gy, Tensor x, Tensor w, Tensor mean, Tensor invstd, boolean training) {
        fallback("batchNormBackward");
        return upload(CPU.batchNormBackward(host(gy), host(x), host(w), host(mean), host(invstd), training));
    }

    @Override
    public Tensor[] localResponseNorm(Tensor x, int size, float alpha, float beta, float k) {
        fallback("localResponseNorm");
        return upload(CPU.localResponseNorm(host(x), size, alpha, beta, k));
    }

    @Override
    public Tensor localResponseNormBackward(Tensor gy, Tensor x, Tensor y, Tensor s, int size, float alpha, float beta) {
        fallback("localResponseNormBackward");
        return upload(CPU.localResponseNormBackward(host(gy), host(x), host(y), host(s), size, alpha, beta));
    }
}
