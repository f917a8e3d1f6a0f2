package dev.spindle.actors.testkit;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.Behavior;
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
}
