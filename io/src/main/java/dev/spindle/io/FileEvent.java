package dev.spindle.io;

import java.io.IOException;
import java.nio.file.Path;

/** Immutable. Completions of {@link Io}'s file operations, sent to the actor that asked. */
public sealed interface FileEvent {

    /** {@link Io#readFile}: the whole file. */
    record Read(Path path, byte[] data) implements FileEvent {
    }

    /** {@link Io#writeFile}: {@code bytes} written (appended, if asked), and forced to the file. */
    record Written(Path path, long bytes) implements FileEvent {
    }

    /** {@link Io#streamFile}: the next chunk, from {@code offset}; ask for more with {@link FileStream#request}. */
    record Chunk(FileStream stream, long offset, byte[] data) implements FileEvent {
    }

    /** {@link Io#streamFile}: the end of the file; no chunk follows. */
    record End(FileStream stream, long size) implements FileEvent {
    }

    /** Any of them failed (not found, no permission, ...); a stream sends nothing after it. */
    record Failed(Path path, IOException cause) implements FileEvent {
    }
}
