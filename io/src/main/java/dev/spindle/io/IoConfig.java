package dev.spindle.io;

/**
 * Immutable. How an {@link Io} is set up: how many selector loops, and how big each loop's read
 * buffer is. The defaults work: one loop per core, 64 KiB reads.
 *
 * @param loops          selector loops (platform threads), at least 1
 * @param readBufferSize bytes one read may take, per loop (one direct buffer each), 1 KiB to 16 MiB
 */
public record IoConfig(int loops, int readBufferSize) {

    public IoConfig {
        if (loops < 1) {
            throw new IllegalArgumentException("loops must be at least 1: " + loops);
        }
        if (readBufferSize < 1024 || readBufferSize > 16 << 20) {
            throw new IllegalArgumentException("readBufferSize must be 1 KiB to 16 MiB: " + readBufferSize);
        }
    }

    /** {@return one loop per available core, 64 KiB reads} */
    public static IoConfig defaults() {
        return new IoConfig(Runtime.getRuntime().availableProcessors(), 64 * 1024);
    }

    public IoConfig withLoops(int count) {
        return new IoConfig(count, readBufferSize);
    }

    public IoConfig withReadBufferSize(int bytes) {
        return new IoConfig(loops, bytes);
    }
}
