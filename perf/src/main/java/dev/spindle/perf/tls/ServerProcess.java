package dev.spindle.perf.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Owned by one thread, the one that starts and closes it. A server of a comparison in its own process:
 * {@link #start} returns once the server printed its {@code READY} line (its output is echoed,
 * prefixed with its name), and {@link #close} ends it. A server that is not ready within
 * {@code readyWithin} is destroyed, so that waiting for it ends too.
 */
final class ServerProcess implements AutoCloseable {

    private final Process process;

    private ServerProcess(Process process) {
        this.process = process;
    }

    static ServerProcess start(String name, List<String> command, Duration readyWithin) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        AtomicBoolean ready = new AtomicBoolean();
        CompletableFuture.delayedExecutor(readyWithin.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!ready.get()) {
                process.destroyForcibly();
            }
        });
        ServerProcess server = new ServerProcess(process);
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            for (String line = output.readLine(); line == null || !line.startsWith("READY"); line = output.readLine()) {
                if (line == null) {
                    throw new IllegalStateException(name + " exited before it was ready (or was not ready within "
                            + readyWithin + "): " + String.join(" ", command));
                }
                System.out.println("  [" + name + "] " + line);
            }
            ready.set(true);
            Thread.ofPlatform().daemon().start(() -> output.lines().forEach(l -> System.out.println("  [" + name + "] " + l)));
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
