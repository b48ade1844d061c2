package io.eventlake;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.Set;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The shape of the code, as a test: feature packages without cycles, and the layers of every feature: a
 * resource calls services, never a repository or the database; only repositories run SQL.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.eventlake");

    private static final String[] DATABASE_PACKAGES = { "io.vertx.mutiny.sqlclient..", "io.vertx.sqlclient..",
            "io.vertx.mutiny.pgclient.." };

    /** The SQL client methods that run a statement. */
    private static final Set<String> STATEMENTS = Set.of("query", "preparedQuery");

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("io.eventlake.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void packagesHaveNoCyclesAtAnyDepth() {
        slices().matching("io.eventlake.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void resourcesReachTheDatabaseOnlyThroughServices() {
        noClasses().that().haveSimpleNameEndingWith("Resource")
                .should().dependOnClassesThat().haveSimpleNameEndingWith("Repository")
                .orShould().dependOnClassesThat().resideInAnyPackage(DATABASE_PACKAGES)
                .because("a resource calls a service, which owns the transaction and calls repositories")
                .check(CLASSES);
    }

    @Test
    void onlyRepositoriesRunSql() {
        noClasses().that().haveSimpleNameNotEndingWith("Repository")
                .should().callMethodWhere(DescribedPredicate.describe("a statement of the SQL client",
                        (JavaMethodCall call) -> STATEMENTS.contains(call.getName())
                                && call.getTargetOwner().getPackageName().startsWith("io.vertx")
                                && call.getTargetOwner().getPackageName().contains("sqlclient")))
                .because("SQL lives in the repositories, one place per table")
                .check(CLASSES);
    }
}
