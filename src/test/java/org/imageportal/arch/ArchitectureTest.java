package org.imageportal.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.imageportal.studies.access.AccessDecision;
import org.imageportal.studies.access.StudyScope;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasOwner;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;

/** The package boundaries of style.md, checked on every build. */
class ArchitectureTest {

    static JavaClasses portal;

    @BeforeAll
    static void load() {
        portal = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.imageportal");
    }

    /**
     * The quarantine exclusion is part of the access scope: written once, in {@code StudyScope}, and used from there
     * (a query that wrote its own could be the one that forgets it and serves held images).
     */
    @Test
    void theQuarantineExclusionIsWrittenOnlyInTheAccessScope() throws Exception {
        java.nio.file.Path sources = java.nio.file.Path.of("src/main/java");
        java.util.regex.Pattern exclusion = java.util.regex.Pattern.compile("quarantine_reason\\s+IS\\s+NULL",
                java.util.regex.Pattern.CASE_INSENSITIVE);
        java.util.List<String> writers;
        try (var files = java.nio.file.Files.walk(sources)) {
            writers = files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    return exclusion.matcher(java.nio.file.Files.readString(f)).find();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(f -> sources.relativize(f).toString()).toList();
        }
        org.assertj.core.api.Assertions.assertThat(writers)
                .containsExactly("org/imageportal/studies/access/StudyScope.java");
    }

    /**
     * One access decision point: scopes and decisions are made only by the access policy, so no service can widen
     * what a caller reaches by building its own (the records are public because services read them).
     */
    @Test
    void onlyTheAccessPolicyBuildsScopesAndDecisions() {
        noClasses().that().doNotHaveFullyQualifiedName("org.imageportal.studies.access.AccessPolicy")
                .and().doNotHaveFullyQualifiedName("org.imageportal.studies.access.AccessDecision")
                .should().callConstructorWhere(JavaCall.Predicates.target(HasOwner.Predicates.With
                        .owner(JavaClass.Predicates.assignableTo(StudyScope.class)
                                .or(JavaClass.Predicates.assignableTo(AccessDecision.class)))))
                .because("only AccessPolicy decides which studies a caller reaches")
                .check(portal);
    }

    @Test
    void nothingImportsTheWebPages() {
        noClasses().that().resideOutsideOfPackage("org.imageportal.web..")
                .should().dependOnClassesThat().resideInAPackage("org.imageportal.web..")
                .check(portal);
    }

    /**
     * The features from the bottom up: a package may use those on its own level or below, never one above, so a
     * change low down (who is calling, the audit trail, the study index) never needs a page or a front door.
     */
    static final List<List<String>> LEVELS = List.of(
            List.of("platform.."),
            List.of("dicom"),
            List.of("storage", "storage.crypto"),
            List.of("identity"),
            List.of("audit"),
            List.of("accounts", "notifications"),
            List.of("patients", "providers"),
            List.of("disclosures"),
            List.of("studies", "studies.access"),
            List.of("studies.ingest", "studies.ingest.dimse"),
            List.of("dicomweb", "archive", "reports", "retention", "deid", "breakglass"),
            List.of("sharing"),
            List.of("web", "demo"));

    @Test
    void everyPackageHasItsLevel() {
        List<String> placed = LEVELS.stream().flatMap(List::stream).map(p -> "org.imageportal." + p).toList();
        Set<String> unplaced = portal.stream().map(JavaClass::getPackageName)
                .filter(p -> p.startsWith("org.imageportal."))
                .filter(p -> placed.stream().noneMatch(level -> level.endsWith("..")
                        ? p.startsWith(level.substring(0, level.length() - 2))
                        : p.equals(level)))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(unplaced).as("packages without a level in LEVELS").isEmpty();
    }

    @Test
    void noPackageUsesALevelAboveItsOwn() {
        for (int level = 0; level < LEVELS.size() - 1; level++) {
            String[] here = LEVELS.get(level).stream().map(p -> "org.imageportal." + p).toArray(String[]::new);
            String[] above = LEVELS.subList(level + 1, LEVELS.size()).stream().flatMap(List::stream)
                    .map(p -> "org.imageportal." + p).toArray(String[]::new);
            noClasses().that().resideInAnyPackage(here).should().dependOnClassesThat().resideInAnyPackage(above)
                    .because(String.join(", ", LEVELS.get(level)) + " sit below " + String.join(", ", Arrays
                            .stream(above).map(p -> p.substring("org.imageportal.".length())).toList()))
                    .check(portal);
        }
    }

    @Test
    void packagesAreFreeOfCycles() {
        // every package its own slice: studies and studies.ingest may not lean on each other either
        SlicesRuleDefinition.slices().matching("org.imageportal.(**)").should().beFreeOfCycles().check(portal);
    }

    @Test
    void onlyTheDicomPackageUsesTheDicomToolkit() {
        noClasses().that().resideOutsideOfPackage("org.imageportal.dicom..")
                .should().dependOnClassesThat().resideInAPackage("com.pixelmed..")
                .allowEmptyShould(true)
                .check(portal);
    }

    @Test
    void onlyTheStorageAdapterUsesTheS3Client() {
        noClasses().that().resideOutsideOfPackage("org.imageportal.storage")
                .should().dependOnClassesThat().resideInAPackage("io.minio..")
                .check(portal);
    }

    @Test
    void pureFeaturesStayFreeOfQuarkusAndHibernate() {
        ArchRule rule = noClasses().that().resideInAnyPackage("org.imageportal.dicom..",
                "org.imageportal.storage.crypto..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "org.hibernate..",
                        "jakarta.persistence..", "io.vertx..")
                .allowEmptyShould(true);
        rule.check(portal);
    }

    @Test
    void repositoriesAreUsedOnlyThroughTheirFeaturesServices() {
        // one condition over each access (two "or"-ed conditions would each fail on the other's accessors)
        classes().that().haveSimpleNameEndingWith("Repository")
                .should().onlyBeAccessed().byClassesThat(
                        com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith("Service")
                                .or(com.tngtech.archunit.core.domain.JavaClass.Predicates
                                        .simpleNameEndingWith("Repository")))
                .allowEmptyShould(true)
                .check(portal);
    }

    @Test
    void resourcesAndPagesDeclareWhoMayCallThem() {
        methods().that().areAnnotatedWith(jakarta.ws.rs.GET.class)
                .or().areAnnotatedWith(jakarta.ws.rs.POST.class)
                .or().areAnnotatedWith(jakarta.ws.rs.PUT.class)
                .or().areAnnotatedWith(jakarta.ws.rs.DELETE.class)
                .should(SecurityAnnotations.DECLARED)
                .check(portal);
    }

    /** Resources and pages reach the database only through a service, which owns the transaction. */
    @Test
    void resourcesAndPagesNeverTouchTheDatabase() {
        noClasses().that().haveSimpleNameEndingWith("Resource").or().haveSimpleNameEndingWith("Pages")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx.mutiny.sqlclient..",
                        "io.vertx.sqlclient..", "io.vertx.mutiny.pgclient..", "io.vertx.pgclient..", "java.sql..")
                .check(portal);
    }
}
