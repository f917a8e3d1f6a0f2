package dev.spindle.samples;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.SupervisorStrategy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Two actors play ping-pong, a counter keeps score, and a referee that throws now and then is
 * restarted by its supervisor while the game goes on. Run:
 * {@code ./run PingPong}
 */
public final class PingPong {

    /** A player's protocol. */
    sealed interface Play {
        record Ball(ActorRef<Play> from, int left) implements Play {
        }

        record Serve(ActorRef<Play> to, int rallies) implements Play {
        }
    }

    /** The score keeper's protocol. */
    sealed interface Score {
        record Hit(String player) implements Score {
        }

        record Report(ActorRef<String> replyTo) implements Score {
        }
    }

    static Behavior<Play> player(String name, ActorRef<Score> score, CompletableFuture<Void> over) {
        return (ctx, msg) -> {
            switch (msg) {
                case Play.Serve(ActorRef<Play> to, int rallies) -> to.tell(new Play.Ball(ctx.self(), rallies));
                case Play.Ball(ActorRef<Play> from, int left) -> {
                    score.tell(new Score.Hit(name));
                    if (left == 0) {
                        over.complete(null);
                    } else {
                        from.tell(new Play.Ball(ctx.self(), left - 1));
                    }
                }
            }
            return Behavior.same();
        };
    }

    static Behavior<Score> scoreKeeper(long ping, long pong) {
        return (ctx, msg) -> switch (msg) {
            case Score.Hit(String player) -> player.equals("ping")
                    ? scoreKeeper(ping + 1, pong)
                    : scoreKeeper(ping, pong + 1);
            case Score.Report(ActorRef<String> replyTo) -> {
                replyTo.tell("ping hit " + ping + " balls, pong hit " + pong);
                yield Behavior.same();
            }
        };
    }

    /** Throws on every 3rd complaint; its supervisor restarts it with a fresh count each time. */
    static Behavior<String> referee(int complaints) {
        return (ctx, msg) -> {
            if ((complaints + 1) % 3 == 0) {
                throw new IllegalStateException("the referee has had enough of \"" + msg + "\"");
            }
            ctx.log().info("the referee notes: {}", msg);
            return referee(complaints + 1);
        };
    }

    public static void main(String[] args) throws Exception {
        int rallies = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        try (ActorSystem system = ActorSystem.create("pingpong")) {
            CompletableFuture<Void> over = new CompletableFuture<>();
            ActorRef<Score> score = system.spawn(scoreKeeper(0, 0), "score");
            ActorRef<Play> ping = system.spawn(player("ping", score, over), "ping");
            ActorRef<Play> pong = system.spawn(player("pong", score, over), "pong");
            ActorRef<String> referee = system.spawn(Behavior.supervise(referee(0),
                    SupervisorStrategy.restart().withBackoff(Duration.ofMillis(10), Duration.ofSeconds(1), 0.2)), "referee");

            long start = System.nanoTime();
            ping.tell(new Play.Serve(pong, rallies));
            for (int i = 1; i <= 5; i++) {
                referee.tell("complaint " + i);
            }
            over.get(1, TimeUnit.MINUTES);
            long elapsed = System.nanoTime() - start;
            String report = score.<String>ask(Score.Report::new, Duration.ofSeconds(5))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            System.out.println(report);
            System.out.printf("%,d balls in %,d ms: %,.0f messages a second between two actors, plus a score keeper%n",
                    rallies + 1, elapsed / 1_000_000, 2.0 * (rallies + 1) * 1e9 / elapsed);
            System.out.println("dead letters: " + system.deadLetters().count());
        }
    }
}
