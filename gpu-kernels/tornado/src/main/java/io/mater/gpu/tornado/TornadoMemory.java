package io.mater.gpu.tornado;

import io.mater.engine.Device;
import io.mater.engine.DeviceMemory;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The storage of a tensor on a TornadoVM device: a block of the backend's device arena (element offset and
 * length). Its numbers live only on the device; {@link TornadoBackend#download} copies them out. {@link #close()}
 * gives the block back at once (idempotent); memory scopes close the blocks allocated in them, and a
 * {@link Cleaner} gives back a block that became unreachable without being closed.
 */
final class TornadoMemory implements DeviceMemory {
    private static final Cleaner CLEANER = Cleaner.create();

    /** What freeing needs, without a reference to the TornadoMemory itself (the Cleaner must not keep it alive). */
    static final class Block implements Runnable {
        final TornadoBackend owner;
        final int offset;
        final int length;  // floats reserved (aligned), >= the tensor's floats
        final AtomicBoolean freed = new AtomicBoolean();

        Block(TornadoBackend owner, int offset, int length) {
            this.owner = owner;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public void run() {
            if (freed.compareAndSet(false, true)) owner.released(this);
        }
    }

    private final Block block;
    private final long floats;
    private final Cleaner.Cleanable cleanable;

    TornadoMemory(TornadoBackend owner, int offset, int length, long floats) {
        this.block = new Block(owner, offset, length);
        this.floats = floats;
        this.cleanable = CLEANER.register(this, block);
    }

    Block block() {
        return block;
    }

    /** Element offset of this block in the arena, or a clear error when it was freed already. */
    int base() {
        if (block.freed.get())
            throw new IllegalStateException("a tensor's device memory on " + block.owner.device() + " was freed when its memory scope closed;"
                    + " keep() tensors that must outlive a scope");
        return block.offset;
    }

    @Override
    public long floats() {
        return floats;
    }

    @Override
    public Device device() {
        return block.owner.device();
    }

    @Override
    public void close() {
        cleanable.clean(); // runs block.run() once
    }

    @Override
    public boolean isClosed() {
        return block.freed.get();
    }
}
