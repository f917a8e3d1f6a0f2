package dev.spindle.io.internal;

import dev.spindle.io.DnsEvent;
import dev.spindle.io.FileEvent;
import dev.spindle.io.FileStream;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;

/**
 * Thread-safe. File and DNS operations: the JDK has no non-blocking file reads or name lookups, so
 * each runs on a virtual thread of its own (a blocked virtual thread costs a few hundred bytes, not
 * a loop) and its completion goes to the asking actor as a message.
 */
public final class BlockingOps {

    private final ThreadFactory threads = Thread.ofVirtual().name("spindle-io-blocking").factory();
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();

    private void run(Runnable task) {
        Thread thread = threads.newThread(() -> {
            try {
                task.run();
            } finally {
                running.remove(Thread.currentThread());
            }
        });
        running.add(thread);
        thread.start();
    }

    /** Interrupts what still runs (streams waiting for demand, say). */
    public void close() {
        running.forEach(Thread::interrupt);
    }

    public void readFile(Path path, Recipient<FileEvent, ?> to) {
        run(() -> {
            try {
                to.deliver(new FileEvent.Read(path, Files.readAllBytes(path)));
            } catch (IOException e) {
                to.deliver(new FileEvent.Failed(path, e));
            }
        });
    }

    public void writeFile(Path path, byte[] data, boolean append, Recipient<FileEvent, ?> to) {
        byte[] copy = data.clone();
        run(() -> {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(copy);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
                to.deliver(new FileEvent.Written(path, copy.length));
            } catch (IOException e) {
                to.deliver(new FileEvent.Failed(path, e));
            }
        });
    }

    public FileStream streamFile(Path path, int chunkSize, Recipient<FileEvent, ?> to) {
        Stream stream = new Stream(path);
        run(() -> stream.pump(chunkSize, to));
        return stream;
    }

    public void lookup(String host, Recipient<DnsEvent, ?> to) {
        run(() -> {
            try {
                to.deliver(new DnsEvent.Resolved(host, List.of(InetAddress.getAllByName(host))));
            } catch (UnknownHostException e) {
                to.deliver(new DnsEvent.Failed(host, e));
            }
        });
    }

    /** Reads a chunk per unit of demand, on its own virtual thread. */
    private static final class Stream implements FileStream {
        private final Path path;
        private final Semaphore demand = new Semaphore(1);
        private volatile boolean cancelled;
        private volatile Thread reader;

        Stream(Path path) {
            this.path = path;
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public void request(int chunks) {
            if (chunks < 1) {
                throw new IllegalArgumentException("request at least one chunk: " + chunks);
            }
            demand.release(chunks);
        }

        @Override
        public void cancel() {
            cancelled = true;
            Thread thread = reader;
            if (thread != null) {
                thread.interrupt();
            }
        }

        void pump(int chunkSize, Recipient<FileEvent, ?> to) {
            reader = Thread.currentThread();
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                long offset = 0;
                ByteBuffer buffer = ByteBuffer.allocate(chunkSize);
                while (!cancelled) {
                    demand.acquire();
                    buffer.clear();
                    int n = channel.read(buffer, offset);
                    if (n < 0) {
                        to.deliver(new FileEvent.End(this, offset));
                        return;
                    }
                    byte[] chunk = new byte[n];
                    buffer.flip().get(chunk);
                    if (!cancelled) {
                        to.deliver(new FileEvent.Chunk(this, offset, chunk));
                    }
                    offset += n;
                }
            } catch (InterruptedException | java.nio.channels.ClosedByInterruptException e) {
                // Cancelled, or the io runtime closed: nothing more to send.
            } catch (IOException e) {
                if (!cancelled) {
                    to.deliver(new FileEvent.Failed(path, e));
                }
            }
        }

        @Override
        public String toString() {
            return "FileStream[" + path + "]";
        }
    }
}
