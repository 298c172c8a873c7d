package io.mater.gpu.opencl;

import static org.jocl.CL.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;

/**
 * The OpenCL runtime of one device, through JOCL: context, in-order command queue, the program built from
 * the kernel sources in this package's resources, and kernel launches. Launches are asynchronous; only
 * {@link #read} waits (data comes back to the host for logging and checkpoints only).
 */
final class OpenCl {
    /** Kernel sources, concatenated in this order (attention uses elementwise's hash). */
    static final List<String> SOURCES = List.of("elementwise.cl", "rows.cl", "gemm.cl", "attention.cl");

    /** The fix to name when there is no OpenCL platform. */
    static final String FIX = "install an OpenCL driver (for example PoCL on the CPU: apt-get install -y pocl-opencl-icd ocl-icd-opencl-dev;"
            + " or your GPU vendor's OpenCL ICD), or use --device cpu";

    /** A device found on some platform. */
    record Found(cl_platform_id platform, cl_device_id device, String platformName, String deviceName) {
        @Override
        public String toString() {
            return deviceName + " (" + platformName + ")";
        }
    }

    final Found found;
    final cl_context context;
    final cl_command_queue queue;
    final cl_program program;
    private final Map<String, cl_kernel> kernels = new HashMap<>();

    /** -Dmater.opencl.profile=true: wait after every launch and print the time per kernel at exit. */
    static final boolean PROFILE = Boolean.getBoolean("mater.opencl.profile");
    private final Map<String, long[]> profile = new java.util.TreeMap<>();

    private OpenCl(Found found) {
        this.found = found;
        var props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, found.platform());
        context = clCreateContext(props, 1, new cl_device_id[] {found.device()}, null, null, null);
        @SuppressWarnings("deprecation")
        var q = clCreateCommandQueue(context, found.device(), 0, null);
        queue = q;
        program = clCreateProgramWithSource(context, 1, new String[] {source()}, null, null);
        try {
            clBuildProgram(program, 0, null, "-cl-std=CL1.2", null, null);
        } catch (CLException e) {
            throw new IllegalStateException("OpenCL kernels failed to build on " + found + ":\n" + buildLog(), e);
        }
    }

    /** Every OpenCL device on every platform, in platform order; throws with the fix when there is none. */
    static List<Found> devices() {
        int[] n = new int[1];
        try {
            CL.setExceptionsEnabled(true);
            clGetPlatformIDs(0, null, n);
        } catch (UnsatisfiedLinkError | CLException | NoClassDefFoundError e) {
            throw new IllegalStateException("no OpenCL platform found (" + e.getMessage() + "); " + FIX, e);
        }
        if (n[0] == 0) throw new IllegalStateException("no OpenCL platform found; " + FIX);
        var platforms = new cl_platform_id[n[0]];
        clGetPlatformIDs(n[0], platforms, null);
        var out = new ArrayList<Found>();
        for (var p : platforms) {
            int[] nd = new int[1];
            try {
                clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, nd);
            } catch (CLException e) {
                continue; // CL_DEVICE_NOT_FOUND
            }
            var ds = new cl_device_id[nd[0]];
            clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, nd[0], ds, null);
            for (var d : ds) out.add(new Found(p, d, platformString(p, CL_PLATFORM_NAME), deviceString(d, CL_DEVICE_NAME)));
        }
        if (out.isEmpty()) throw new IllegalStateException("OpenCL platforms exist but offer no device; " + FIX);
        return out;
    }

    static OpenCl open(int index) {
        var all = devices();
        if (index >= all.size())
            throw new IllegalStateException("no OpenCL device " + index + "; found " + all.size() + ": " + all + " (use opencl:0.." + (all.size() - 1) + ")");
        var cl = new OpenCl(all.get(index));
        if (PROFILE) Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.print(cl.profileReport())));
        return cl;
    }

    private static String source() {
        var sb = new StringBuilder();
        for (String name : SOURCES) {
            try (InputStream in = OpenCl.class.getResourceAsStream(name)) {
                if (in == null) throw new IllegalStateException("kernel source " + name + " is missing from the gpu-kernels jar");
                sb.append("// ---- ").append(name).append('\n').append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
            } catch (IOException e) {
                throw new IllegalStateException("cannot read kernel source " + name, e);
            }
        }
        return sb.toString();
    }

    private String buildLog() {
        long[] size = new long[1];
        clGetProgramBuildInfo(program, found.device(), CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] log = new byte[(int) size[0]];
        clGetProgramBuildInfo(program, found.device(), CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return new String(log, 0, Math.max(0, log.length - 1), StandardCharsets.UTF_8);
    }

    private static String platformString(cl_platform_id p, int what) {
        long[] size = new long[1];
        clGetPlatformInfo(p, what, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        clGetPlatformInfo(p, what, b.length, Pointer.to(b), null);
        return new String(b, 0, Math.max(0, b.length - 1), StandardCharsets.UTF_8).trim();
    }

    private static String deviceString(cl_device_id d, int what) {
        long[] size = new long[1];
        clGetDeviceInfo(d, what, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        clGetDeviceInfo(d, what, b.length, Pointer.to(b), null);
        return new String(b, 0, Math.max(0, b.length - 1), StandardCharsets.UTF_8).trim();
    }

    // ------------------------------------------------------------------ memory

    cl_mem alloc(long bytes) {
        return clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null);
    }

    void zero(cl_mem mem, long bytes) {
        clEnqueueFillBuffer(queue, mem, Pointer.to(new float[] {0f}), Sizeof.cl_float, 0, bytes, 0, null, null);
    }

    void write(cl_mem mem, float[] data) {
        if (data.length > 0) clEnqueueWriteBuffer(queue, mem, CL_TRUE, 0, data.length * 4L, Pointer.to(data), 0, null, null);
    }

    /** Waits for the queue and reads n floats from the start of mem. */
    float[] read(cl_mem mem, int n) {
        float[] out = new float[n];
        if (n > 0) clEnqueueReadBuffer(queue, mem, CL_TRUE, 0, n * 4L, Pointer.to(out), 0, null, null);
        return out;
    }

    void release(cl_mem mem) {
        clReleaseMemObject(mem);
    }

    void finish() {
        clFinish(queue);
    }

    // ------------------------------------------------------------------ launches

    /**
     * Sets args (cl_mem, Integer, Float, or int[] for a struct of 4-byte fields) and enqueues the kernel
     * over global work items in work-groups of local (null: the driver chooses).
     */
    synchronized void launch(String name, long[] global, long[] local, Object... args) {
        for (long g : global) if (g == 0) return;
        cl_kernel k = kernels.computeIfAbsent(name, n -> clCreateKernel(program, n, null));
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            switch (a) {
                case cl_mem m -> clSetKernelArg(k, i, Sizeof.cl_mem, Pointer.to(m));
                case Integer v -> clSetKernelArg(k, i, Sizeof.cl_int, Pointer.to(new int[] {v}));
                case Float v -> clSetKernelArg(k, i, Sizeof.cl_float, Pointer.to(new float[] {v}));
                case int[] s -> clSetKernelArg(k, i, (long) Sizeof.cl_int * s.length, Pointer.to(s));
                default -> throw new IllegalArgumentException("kernel " + name + " argument " + i + ": unsupported " + a.getClass());
            }
        }
        long t0 = PROFILE ? System.nanoTime() : 0;
        clEnqueueNDRangeKernel(queue, k, global.length, null, global, local, 0, null, null);
        if (PROFILE) {
            clFinish(queue);
            long[] p = profile.computeIfAbsent(name, n -> new long[2]);
            p[0]++;
            p[1] += System.nanoTime() - t0;
        }
    }

    /** Launch counts and milliseconds per kernel (with -Dmater.opencl.profile=true). */
    synchronized String profileReport() {
        var sb = new StringBuilder("OpenCL kernel profile on " + found + ":\n");
        profile.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1])).forEach(e ->
                sb.append(String.format(java.util.Locale.ROOT, "  %-26s %8d launches %10.1f ms%n", e.getKey(), e.getValue()[0], e.getValue()[1] / 1e6)));
        return sb.toString();
    }

    void close() {
        finish();
        for (var k : kernels.values()) clReleaseKernel(k);
        clReleaseProgram(program);
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }
}
