package dev.spindle.cluster.internal;

import dev.spindle.cluster.Balancing;
import dev.spindle.cluster.ClusterConfig;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which of the primary's JVM flags a worker gets, and its class path. */
class LaunchTest {

    @Test
    void shouldPassOnPlainFlagsAndDropTheModuleLayoutAndTheDebugger() {
        List<String> primary = List.of("-Xmx1g", "-Dapp.mode=prod", "--enable-native-access=ALL-UNNAMED,dev.spindle.cluster",
                "--module-path", "/m/a.jar:/m/b.jar", "--add-modules", "ALL-MODULE-PATH",
                "--patch-module", "dev.spindle.cluster=/t/test-classes",
                "--add-opens", "dev.spindle.cluster/dev.spindle.cluster=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
                "--add-exports=dev.spindle.io/dev.spindle.io.internal=ALL-UNNAMED",
                "--add-reads=dev.spindle.cluster=ALL-UNNAMED",
                "-agentlib:jdwp=transport=dt_socket,server=y,address=5005", "-Djdk.module.main=x");
        assertThat(Launch.jvmFlags(primary)).containsExactly("-Xmx1g", "-Dapp.mode=prod",
                "--enable-native-access=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED");
    }

    @Test
    void shouldPutPatchedDirectoriesFirstOnTheClassPath() {
        String path = Launch.classPath(List.of("--patch-module", "dev.spindle.cluster=/t/test-classes"));
        assertThat(path.split(File.pathSeparator)[0]).isEqualTo("/t/test-classes");
        assertThat(Launch.classPath(List.of("--patch-module=m=/p/one" + File.pathSeparator + "/p/two")))
                .startsWith("/p/one" + File.pathSeparator + "/p/two");
    }

    @Test
    void shouldLetWorkersMakeNativeCallsOnce() {
        // (this JVM has the flag already, as Surefire passes it: it is not given twice)
        ClusterConfig config = ClusterConfig.defaults().withWorkerMain(LaunchTest.class);
        assertThat(Launch.command(config.withBalancing(Balancing.ROUND_ROBIN)))
                .filteredOn(f -> f.startsWith("--enable-native-access=") && f.contains("ALL-UNNAMED")).hasSize(1);
    }

    @Test
    void shouldRefuseToStartWhereTheOsLacksWhatBalancingNeeds() {
        String os = System.getProperty("os.name");
        try {
            System.setProperty("os.name", "Mac OS X");
            for (Balancing balancing : Balancing.values()) {
                assertThatThrownBy(() -> PrimaryImpl.checkPlatform(balancing))
                        .isInstanceOf(UnsupportedOperationException.class)
                        .hasMessageContaining(balancing.name()).hasMessageContaining("needs Linux").hasMessageContaining("Mac OS X");
            }
        } finally {
            System.setProperty("os.name", os);
        }
        PrimaryImpl.checkPlatform(Balancing.ROUND_ROBIN); // here, Linux
    }
}
