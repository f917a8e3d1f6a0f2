package dev.spindle.io.internal;

import dev.spindle.io.ChildProcess;
import dev.spindle.io.ProcessEvent;
import dev.spindle.io.ProcessSpec;
import dev.spindle.io.TcpOptions;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Thread-safe. A child process and the virtual threads that serve it: one reads stdout, one
 * stderr, one writes stdin from a queue, one waits for the exit and sends {@link ProcessEvent.Exited}
 * once both readers are done (so it is always the last event).
 */
final class ChildProcessImpl implements ChildProcess {

    private static final Logger LOG = LoggerFactory.getLogger(ChildProcessImpl.class);
    private static final String[] SIGNALS = {null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
        "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM"};
    private static final byte[] CLOSE = new byte[0];

    private final Process process;
    private final Recipient<ProcessEvent, ?> to;
    private final MpscUnboundedAtomicArrayQueue<byte[]> stdin = new MpscUnboundedAtomicArrayQueue<>(16);
    /** The bytes queued for stdin, with TCP's default marks (64 KiB, 16 KiB, refused past 4 MiB). */
    private final WriteBudget stdinBudget = new WriteBudget(TcpOptions.defaults());
    private volatile boolean stdinClosed;
    private volatile boolean outputPaused;
    /** The child has ended: paused readers read what its pipes still hold, so Exited can follow. */
    private volatile boolean ended;
    private volatile Thread stdoutReader;
    private volatile Thread stderrReader;
    private volatile boolean timedOut;
    private volatile Thread writer;

    private ChildProcessImpl(Process process, Recipient<ProcessEvent, ?> to) {
        this.process = process;
        this.to = to;
    }

    /** Variables that say where this process sits in a Spindle cluster: never a child's. */
    static final String CLUSTER_PREFIX = "SPINDLE_CLUSTER_";

    /**
     * Turns {@code inherited} (this process's environment, as {@link ProcessBuilder} starts it) into
     * the child's: emptied unless inherited, without this process's cluster variables (a child that
     * is a Spindle app would otherwise take itself for a worker of our primary), then the spec's.
     */
    static void environmentFor(Map<String, String> inherited, ProcessSpec spec) {
        if (!spec.inheritEnvironment()) {
            inherited.clear();
        }
        inherited.keySet().removeIf(name -> name.startsWith(CLUSTER_PREFIX));
        inherited.putAll(spec.environment());
    }

    static void spawn(ProcessSpec spec, Recipient<ProcessEvent, ?> to) {
        Thread.ofVirtual().name("spindle-io-spawn").start(() -> {
            ProcessBuilder builder = new ProcessBuilder(spec.command());
            environmentFor(builder.environment(), spec);
            if (spec.directory() != null) {
                builder.directory(spec.directory().toFile());
            }
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                to.deliver(new ProcessEvent.SpawnFailed(spec, e));
                return;
            }
            ChildProcessImpl child = new ChildProcessImpl(process, to);
            to.deliver(new ProcessEvent.Started(child));
            child.serve(spec);
        });
    }

    private void serve(ProcessSpec spec) {
        Thread out = Thread.ofVirtual().name("spindle-io-stdout").unstarted(
                () -> pump(process.getInputStream(), true));
        Thread err = Thread.ofVirtual().name("spindle-io-stderr").unstarted(
                () -> pump(process.getErrorStream(), false));
        stdoutReader = out;
        stderrReader = err;
        out.start();
        err.start();
        writer = Thread.ofVirtual().name("spindle-io-stdin").start(this::feed);
        try {
            boolean exited = spec.timeout() == null ? waitFor(0) : waitFor(spec.timeout().toNanos());
            if (!exited) {
                timedOut = true;
                process.destroy();
                process.waitFor();
            }
            ended = true;
            LockSupport.unpark(out);
            LockSupport.unpark(err);
            out.join();
            err.join();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        writer.interrupt();
        int code = process.exitValue();
        String signal = code > 128 && code - 128 < SIGNALS.length ? SIGNALS[code - 128] : null;
        to.deliver(new ProcessEvent.Exited(this, code, signal, timedOut));
    }

    private boolean waitFor(long nanos) throws InterruptedException {
        if (nanos == 0) {
            process.waitFor();
            return true;
        }
        return process.waitFor(nanos, TimeUnit.NANOSECONDS);
    }

    private void pump(InputStream in, boolean stdout) {
        byte[] buffer = new byte[16 * 1024];
        try (in) {
            for (int n; awaitResumed() && (n = in.read(buffer)) > 0; ) {
                byte[] chunk = Arrays.copyOf(buffer, n);
                to.deliver(stdout ? new ProcessEvent.Stdout(this, chunk) : new ProcessEvent.Stderr(this, chunk));
            }
        } catch (IOException e) {
            LOG.debug("child {}: {} closed", pid(), stdout ? "stdout" : "stderr", e);
        }
    }

    /** A reader: waits while output is paused. {@return true (a condition of the read loop)} */
    private boolean awaitResumed() {
        // Re-checked after each wake-up: resumeOutput and the end set their flag before they unpark.
        while (outputPaused && !ended) {
            LockSupport.park(this);
        }
        return true;
    }

    private void feed() {
        try (OutputStream in = process.getOutputStream()) {
            while (true) {
                byte[] next = stdin.poll();
                if (next == null) {
                    if (Thread.interrupted()) {
                        return;
                    }
                    LockSupport.park(this);
                    continue;
                }
                if (next == CLOSE) {
                    return;
                }
                in.write(next);
                in.flush();
                if (stdinBudget.release(next.length)) {
                    to.deliver(new ProcessEvent.StdinDrained(this));
                }
            }
        } catch (IOException e) {
            // The child closed its stdin or exited: later writes go nowhere, as with Node's EPIPE.
            LOG.debug("child {}: stdin closed", pid(), e);
        } finally {
            // Nothing more is fed: write says false from now on, and what waited is let go.
            stdinClosed = true;
            for (byte[] left; (left = stdin.poll()) != null; ) {
                stdinBudget.release(left.length);
            }
        }
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public boolean write(byte[] data) {
        if (stdinClosed) {
            return false;
        }
        boolean below = stdinBudget.reserve(data.length, this);
        stdin.offer(data.clone());
        LockSupport.unpark(writer);
        return below;
    }

    @Override
    public void pauseOutput() {
        outputPaused = true;
    }

    @Override
    public void resumeOutput() {
        outputPaused = false;
        LockSupport.unpark(stdoutReader);
        LockSupport.unpark(stderrReader);
    }

    @Override
    public void closeStdin() {
        if (!stdinClosed) {
            stdinClosed = true;
            stdin.offer(CLOSE);
            LockSupport.unpark(writer);
        }
    }

    @Override
    public void kill(String signal) {
        switch (signal) {
            case "TERM" -> process.destroy();
            case "KILL" -> process.destroyForcibly();
            default -> {
                try {
                    new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid())).start();
                } catch (IOException e) {
                    throw new IllegalStateException("cannot send " + signal + " to " + process.pid(), e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "ChildProcess[" + process.pid() + "]";
    }
}
