package org.imageportal.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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

    @Test
    void platformDependsOnNoFeature() {
        noClasses().that().resideInAPackage("org.imageportal.platform..")
                .should().dependOnClassesThat().resideInAnyPackage("org.imageportal.identity..",
                        "org.imageportal.storage..", "org.imageportal.studies..", "org.imageportal.patients..",
                        "org.imageportal.sharing..", "org.imageportal.disclosures..", "org.imageportal.deid..",
                        "org.imageportal.dicom..", "org.imageportal.web..")
                .check(portal);
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
                "org.imageportal.storage.crypto..", "org.imageportal.deid..")
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

    @Test
    void transactionsAreOpenedInServicesNotInResources() {
        noClasses().that().haveSimpleNameEndingWith("Resource").or().haveSimpleNameEndingWith("Pages")
                .should().dependOnClassesThat()
                .haveFullyQualifiedName("io.quarkus.hibernate.reactive.panache.common.WithTransaction")
                .check(portal);
    }
}
