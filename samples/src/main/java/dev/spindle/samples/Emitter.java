package dev.spindle.samples;

import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.EventEmitter;
import dev.spindle.actors.EventKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Node's {@code EventEmitter} inside an actor: a download emits {@code data} chunks, then
 * {@code end}; {@code on} hears every chunk, {@code once} only the first, and an {@code error}
 * listener handles a failed download (without one, the error would fail the actor, where Node would
 * crash the process). Listeners run on the actor's thread: no locks. Run:
 * {@code ./run Emitter}
 */
public final class Emitter {

    private static final Logger LOG = LoggerFactory.getLogger(Emitter.class);

    static final EventKey<String> DATA = EventKey.of("data", String.class);
    static final EventKey<Integer> END = EventKey.of("end", Integer.class);

    private Emitter() {
    }

    /** A download of {@code chunks}, failing after them if {@code fail}. */
    record Download(List<String> chunks, boolean fail) {
    }

    /** {@return what the listeners heard, in order} */
    static List<String> run(ActorSystem system) throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        var downloader = system.<Download>spawn(Behavior.setup(ctx -> {
            EventEmitter events = ctx.events();
            events.on(DATA, chunk -> heard.add("data: " + chunk));
            events.once(DATA, chunk -> heard.add("first chunk only: " + chunk));
            events.on(END, bytes -> heard.add("end: " + bytes + " bytes"));
            events.on(EventEmitter.ERROR, error -> {
                heard.add("error: " + error.getMessage());
                done.complete(null);
            });
            return (c, download) -> {
                int bytes = 0;
                for (String chunk : download.chunks()) {
                    bytes += chunk.length();
                    events.emit(DATA, chunk);
                }
                if (download.fail()) {
                    events.emit(EventEmitter.ERROR, new java.io.IOException("connection reset after " + bytes + " bytes"));
                } else {
                    events.emit(END, bytes);
                }
                return Behavior.same();
            };
        }), "downloader");
        downloader.tell(new Download(List.of("hello, ", "world"), false));
        downloader.tell(new Download(List.of("partial"), true));
        done.get(10, TimeUnit.SECONDS);
        return heard;
    }

    public static void main(String[] args) throws Exception {
        try (ActorSystem system = ActorSystem.create("emitter")) {
            run(system).forEach(line -> LOG.info("{}", line));
        }
    }
}
