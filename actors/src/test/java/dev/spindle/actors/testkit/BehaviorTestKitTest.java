package dev.spindle.actors.testkit;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.Signal;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BehaviorTestKitTest {

    sealed interface Cmd {
        record Add(int n) implements Cmd {
        }

        record Get(ActorRef<Integer> replyTo) implements Cmd {
        }

        record Hire(String name) implements Cmd {
        }

        record Fire(String name) implements Cmd {
        }

        record Remind(String what) implements Cmd {
        }

        record Compute(int x) implements Cmd {
        }

        record Stop() implements Cmd {
        }
    }

    static Behavior<Cmd> office(int total) {
        return (ctx, cmd) -> switch (cmd) {
            case Cmd.Add(int n) -> office(total + n);
            case Cmd.Get(ActorRef<Integer> replyTo) -> {
                replyTo.tell(total);
                yield Behavior.same();
            }
            case Cmd.Hire(String name) -> {
                ctx.spawn(Behavior.<String>ignore(), name).tell("welcome");
                yield Behavior.same();
            }
            case Cmd.Fire(String name) -> {
                ctx.children().stream().filter(c -> c.path().name().equals(name)).forEach(ctx::stop);
                yield Behavior.same();
            }
            case Cmd.Remind(String what) -> {
                ctx.setTimeout(Duration.ofMinutes(5), new Cmd.Add(what.length()));
                yield Behavior.same();
            }
            case Cmd.Compute(int x) -> {
                ctx.offload(() -> x * x, Cmd.Add::new, e -> new Cmd.Add(-1));
                yield Behavior.same();
            }
            case Cmd.Stop() -> Behavior.stopped();
        };
    }

    @Test
    void shouldRunMessagesSynchronouslyAndKeepReplies() throws Exception {
        BehaviorTestKit<Cmd> kit = BehaviorTestKit.create(office(0));
        TestInbox<Integer> replies = new TestInbox<>("replies");
        kit.run(new Cmd.Add(2));
        kit.run(new Cmd.Add(3));
        kit.run(new Cmd.Get(replies));
        replies.expectMessage(5);
        assertThat(replies.hasMessages()).isFalse();
    }

    @Test
    void shouldRecordSpawnsStopsAndTimersAsEffects() throws Exception {
        BehaviorTestKit<Cmd> kit = BehaviorTestKit.create(office(0));
        kit.run(new Cmd.Hire("ann"));
        Effect.Spawned spawned = (Effect.Spawned) kit.retrieveEffect();
        assertThat(spawned.name()).isEqualTo("ann");
        kit.<String>childInbox("ann").expectMessage("welcome");
        kit.run(new Cmd.Fire("ann"));
        kit.expectEffect(new Effect.Stopped("ann"));
        kit.run(new Cmd.Remind("call"));
        kit.expectEffect(new Effect.TimerScheduled(Duration.ofMinutes(5), new Cmd.Add(4), false));
        assertThat(kit.hasEffects()).isFalse();
    }

    @Test
    void shouldPutOffloadedResultsInTheSelfInbox() throws Exception {
        BehaviorTestKit<Cmd> kit = BehaviorTestKit.create(office(0));
        kit.run(new Cmd.Compute(7));
        kit.expectEffect(new Effect.Offloaded(new Cmd.Add(49)));
        Cmd result = kit.selfInbox().receiveMessage();
        kit.run(result);
        TestInbox<Integer> replies = new TestInbox<>("replies");
        kit.run(new Cmd.Get(replies));
        replies.expectMessage(49);
    }

    @Test
    void shouldStopAndRefuseFurtherMessages() throws Exception {
        BehaviorTestKit<Cmd> kit = BehaviorTestKit.create(office(0));
        kit.run(new Cmd.Stop());
        assertThat(kit.isAlive()).isFalse();
        assertThatThrownBy(() -> kit.run(new Cmd.Add(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldLetFailuresThroughToTheTest() {
        BehaviorTestKit<String> kit = BehaviorTestKit.create((ctx, msg) -> {
            throw new IllegalArgumentException(msg);
        });
        assertThatThrownBy(() -> kit.run("bad")).isInstanceOf(IllegalArgumentException.class).hasMessage("bad");
    }

    @Test
    void shouldHandUnstashedMessagesBackInOrder() throws Exception {
        TestInbox<String> out = new TestInbox<>("out");
        BehaviorTestKit<String> kit = BehaviorTestKit.create(new Behavior<String>() {
            @Override
            public Behavior<String> receive(dev.spindle.actors.ActorContext<String> ctx, String msg) {
                if (!msg.equals("open")) {
                    ctx.stash();
                    return Behavior.same();
                }
                ctx.unstashAll();
                return (c, m) -> {
                    out.tell(m);
                    return Behavior.same();
                };
            }
        });
        kit.run("a");
        kit.run("b");
        kit.run("open");
        kit.run("c");
        assertThat(out.receiveAll()).containsExactly("a", "b", "c");
    }

    /**
     * The guarantees under the synchronous testkit: a message a handler sends to itself is queued,
     * not handled inside the current one (one message at a time), and what one sender tells a child
     * arrives in the order sent (per-sender FIFO).
     */
    @Test
    void shouldQueueMessagesToSelfAndKeepPerSenderOrder() throws Exception {
        StringBuilder trace = new StringBuilder();
        BehaviorTestKit<String> kit = BehaviorTestKit.create(Behavior.setup(ctx -> {
            ActorRef<String> child = ctx.spawn(Behavior.<String>ignore(), "child");
            return (c, msg) -> {
                trace.append('<').append(msg);
                if (msg.startsWith("again")) {
                    c.self().tell(msg + "!");
                }
                for (int i = 0; i < 3; i++) {
                    child.tell(msg + i);
                }
                trace.append('>');
                return Behavior.same();
            };
        }));
        kit.run("again");
        kit.run("b");
        assertThat(trace).hasToString("<again><b>");
        assertThat(kit.selfInbox().receiveAll()).containsExactly("again!");
        assertThat(kit.childInbox("child").receiveAll()).containsExactly("again0", "again1", "again2", "b0", "b1", "b2");
    }

    /** Watch under the synchronous testkit: the effect is recorded, and the Terminated signal is the test's to deliver. */
    @Test
    void shouldRecordAWatchAndHandleTheTerminatedSignal() throws Exception {
        TestInbox<String> out = new TestInbox<>("out");
        BehaviorTestKit<String> kit = BehaviorTestKit.create(Behavior.<String>setup(ctx -> {
            ctx.watch(ctx.spawn(Behavior.<String>ignore(), "worker"));
            return Behavior.<String>ignore();
        }).onSignal((ctx, signal) -> {
            if (signal instanceof Signal.Terminated(ActorRef<?> ref, Throwable failure)) {
                out.tell(ref.path().name() + " " + (failure == null ? "stopped" : failure.getMessage()));
                return Behavior.stopped();
            }
            return Behavior.same();
        }));
        Effect.Spawned spawned = (Effect.Spawned) kit.retrieveEffect();
        kit.expectEffect(new Effect.Watched(spawned.ref()));
        kit.signal(new Signal.Terminated(spawned.ref(), new IllegalStateException("crashed")));
        out.expectMessage("worker crashed");
        assertThat(kit.isAlive()).isFalse();
    }
}
