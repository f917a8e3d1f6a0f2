package dev.spindle.samples;

import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.io.Io;
import dev.spindle.io.ProcessEvent;
import dev.spindle.io.ProcessSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A child process whose output streams back as messages (Node's {@code child_process.spawn}):
 * stdout and stderr as they come, then its exit code. Run:
 * {@code ./run ChildOutput}
 */
public final class ChildOutput {

    private static final Logger LOG = LoggerFactory.getLogger(ChildOutput.class);

    private ChildOutput() {
    }

    /** {@return what the actor heard from the child, in order} */
    static List<String> run(ActorSystem system, Io io) throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> exited = new CompletableFuture<>();
        var owner = system.<ProcessEvent>spawn((ctx, event) -> {
            switch (event) {
                case ProcessEvent.Started(var process) -> heard.add("started, pid " + process.pid());
                case ProcessEvent.Stdout(var process, byte[] data) ->
                        heard.add("stdout: " + new String(data, StandardCharsets.UTF_8).strip());
                case ProcessEvent.Stderr(var process, byte[] data) ->
                        heard.add("stderr: " + new String(data, StandardCharsets.UTF_8).strip());
                case ProcessEvent.Exited(var process, int code, String signal, boolean timedOut) -> {
                    heard.add("exited with code " + code);
                    exited.complete(null);
                }
                case ProcessEvent.SpawnFailed(var spec, var cause) -> {
                    heard.add("could not start: " + cause.getMessage());
                    exited.complete(null);
                }
                default -> {
                }
            }
            return Behavior.same();
        }, "parent");
        // Lines a fifth of a second apart, so each arrives as a message of its own.
        io.spawn(ProcessSpec.shell("echo counting; for i in 1 2 3; do sleep 0.2; echo $i; done; echo done >&2; exit 3"), owner);
        exited.get(30, TimeUnit.SECONDS);
        return heard;
    }

    public static void main(String[] args) throws Exception {
        try (ActorSystem system = ActorSystem.create("child-output"); Io io = Io.create()) {
            run(system, io).forEach(line -> LOG.info("{}", line));
        }
    }
}
