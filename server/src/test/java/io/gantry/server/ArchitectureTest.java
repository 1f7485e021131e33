package io.gantry.server;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.Slice;
import io.gantry.core.group.GroupChat;
import io.gantry.core.party.PartyMatchmaking;

import java.util.Set;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The arrows between Gantry's modules and packages, checked over every main class on the
 * server's class path (all modules but the benchmarks and the nakama-js suite's module). A
 * broken arrow fails the build; docs/ARCHITECTURE.md draws what these rules enforce.
 */
@AnalyzeClasses(packages = "io.gantry", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The router and what it stands on; every other package of core is a service plugged into it. */
    private static final Set<String> CORE_FOUNDATION = Set.of("session", "tracker", "router", "runtime", "auth");

    /** The module diagram: each module's packages, and which other modules they may use. */
    @ArchTest
    static final ArchRule modules = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("runtime-api").definedBy("io.gantry.runtime..")
            .layer("query").definedBy("io.gantry.query..")
            .layer("proto").definedBy("io.gantry.proto..", "com.heroiclabs..")
            .layer("persistence").definedBy("io.gantry.persistence..")
            .layer("matchmaker").definedBy("io.gantry.matchmaker..")
            .layer("realtime-core").definedBy("io.gantry.core..")
            .layer("transport").definedBy("io.gantry.transport..")
            .layer("cluster").definedBy("io.gantry.cluster..")
            .layer("client").definedBy("io.gantry.client..")
            .layer("server").definedBy("io.gantry", "io.gantry.server..")
            .layer("examples").definedBy("io.gantry.examples..")
            .whereLayer("runtime-api").mayNotAccessAnyLayer()
            .whereLayer("query").mayNotAccessAnyLayer()
            .whereLayer("proto").mayNotAccessAnyLayer()
            .whereLayer("persistence").mayOnlyAccessLayers("proto")
            .whereLayer("matchmaker").mayOnlyAccessLayers("runtime-api", "query")
            .whereLayer("realtime-core").mayOnlyAccessLayers("runtime-api", "query", "proto", "persistence", "matchmaker")
            .whereLayer("transport").mayOnlyAccessLayers("runtime-api", "proto", "realtime-core")
            .whereLayer("cluster").mayOnlyAccessLayers("runtime-api", "proto", "realtime-core")
            .whereLayer("client").mayOnlyAccessLayers("proto")
            .whereLayer("server").mayOnlyAccessLayers("runtime-api", "query", "proto", "persistence", "matchmaker",
                    "realtime-core", "transport", "cluster")
            .whereLayer("examples").mayOnlyAccessLayers("runtime-api")
            .because("each module depends only on the modules below it in docs/ARCHITECTURE.md, "
                    + "and its pom declares exactly those");

    @ArchTest
    static final ArchRule runtimeApiDependsOnNothing = classes().that().resideInAPackage("io.gantry.runtime..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("io.gantry.runtime..", "java..")
            .because("game modules compile against gantry-runtime-api alone: one small jar with no Netty, "
                    + "RocksDB, Disruptor or anything of the server");

    @ArchTest
    static final ArchRule queryDependsOnNothingOfGantry = classes().that().resideInAPackage("io.gantry.query..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("io.gantry.query..", "java..", "com.google.gson..")
            .because("the query language is shared by match listing and the matchmaker and knows neither");

    @ArchTest
    static final ArchRule noNettyBelowTheEdge = noClasses()
            .that().resideInAnyPackage("io.gantry.core..", "io.gantry.matchmaker..", "io.gantry.persistence..",
                    "io.gantry.proto..", "io.gantry.query..", "io.gantry.runtime..")
            .should().dependOnClassesThat().resideInAPackage("io.netty..")
            .because("sockets belong to the transport module: realtime-core and what it stands on see sessions and "
                    + "envelopes, never a channel or a buffer");

    @ArchTest
    static final ArchRule matchmakerEngineUsesNoCoreInternals = noClasses()
            .that().resideInAPackage("io.gantry.matchmaker..")
            .should().dependOnClassesThat(resideInAPackage("io.gantry..")
                    .and(DescribedPredicate.not(resideInAnyPackage("io.gantry.matchmaker..", "io.gantry.runtime..",
                            "io.gantry.query.."))))
            .orShould().dependOnClassesThat().resideInAPackage("com.heroiclabs..")
            .because("the matchmaking engine uses the runtime API and the query language only; sessions, the "
                    + "router, parties and the wire protocol are the router side's (io.gantry.core.matchmaker)");

    @ArchTest
    static final ArchRule gameModulesUseTheRuntimeApiOnly = classes().that().resideInAPackage("io.gantry.examples..")
            // a library shaded into a module's jar (the saves example's Gson, relocated under its package) is the
            // library's code, not the module's: the build puts the shaded jar on the class path once it is packaged
            .and().resideOutsideOfPackage("io.gantry.examples.*.shaded..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("io.gantry.examples..", "io.gantry.runtime..",
                    "java..", "com.google.gson..")
            .because("a module jar is built against gantry-runtime-api alone (provided scope); the libraries it "
                    + "brings (Gson for the saves example) are shaded into its own jar");

    @ArchTest
    static final ArchRule theEdgeDoesNotTouchTheStores = noClasses().that().resideInAPackage("io.gantry.transport..")
            .should().dependOnClassesThat().resideInAPackage("io.gantry.persistence..")
            .because("the edge parses, authenticates and answers; the rules and the stores are core's");

    @ArchTest
    static final ArchRule corePackagesAreFreeOfCycles = slices().matching("io.gantry.core.(*)..")
            .should().beFreeOfCycles()
            .because("each concern of core can be read, tested and changed on its own");

    @ArchTest
    static final ArchRule theRouterDoesNotKnowItsServices = noClasses()
            .that().resideInAnyPackage(CORE_FOUNDATION.stream().map(p -> "io.gantry.core." + p + "..").toArray(String[]::new))
            .should().dependOnClassesThat(resideInAPackage("io.gantry.core..")
                    .and(DescribedPredicate.not(resideInAnyPackage(CORE_FOUNDATION.stream()
                            .map(p -> "io.gantry.core." + p + "..").toArray(String[]::new))))
                    .and(DescribedPredicate.not(resideInAPackage("io.gantry.core"))))
            .because("services register with the router (handlers, session listeners); sessions, the tracker "
                    + "and the router never call a service");

    @ArchTest
    static final ArchRule servicesDoNotReachIntoEachOther = slices().matching("io.gantry.core.(*)..")
            .that(new DescribedPredicate<Slice>("are services") {
                @Override
                public boolean test(Slice slice) {
                    return !CORE_FOUNDATION.contains(slice.getNamePart(1));
                }
            })
            .should().notDependOnEachOther()
            .ignoreDependency(resideInAPackage("io.gantry.core.matchmaker.."), equivalentTo(PartyMatchmaking.class))
            .ignoreDependency(resideInAPackage("io.gantry.core.channel.."), equivalentTo(GroupChat.class))
            .because("each service owns its state on the router; one that needs another goes through an "
                    + "interface it owns (the party service's PartyMatchmaking, implemented by the matchmaker; "
                    + "the group service's GroupChat, implemented by the channel service)");
}
