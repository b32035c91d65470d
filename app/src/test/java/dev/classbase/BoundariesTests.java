package dev.classbase;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of ARCHITECTURE's target, checked on the compiled main classes: dependencies point
 * down (cli and the application class on top; ops and platform side by side on data and web; data
 * and cluster at the bottom), and no package takes part in a cycle.
 */
class BoundariesTests {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                // ArchUnit's DO_NOT_INCLUDE_TESTS knows only target/test-classes; builds beside
                // another one use target-<name>/ (classbase.build.directory), so match the folder.
                .withImportOption(location -> !location.contains("/test-classes/"))
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.classbase");
    }

    @Test
    void noPackageTakesPartInACycle() {
        slices().matching("dev.classbase.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void platformDependsOnDataAndWebOnly() {
        noClasses()
                .that()
                .resideInAPackage("dev.classbase.platform..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.classbase.ops..", "dev.classbase.cli..", "dev.classbase.cluster..", "dev.classbase.seed..")
                .check(main);
    }

    @Test
    void opsDependsOnDataAndWebOnly() {
        noClasses()
                .that()
                .resideInAPackage("dev.classbase.ops..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.classbase.platform..", "dev.classbase.cli..", "dev.classbase.seed..")
                .check(main);
    }

    @Test
    void theClusterIsUsedByTheCommandLineAndBackupsOnly() {
        noClasses()
                .that()
                .resideOutsideOfPackages(
                        "dev.classbase.cluster..", "dev.classbase.cli..", "dev.classbase.ops.maintenance..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.classbase.cluster..")
                .check(main);
    }

    @Test
    void theDataTierAndTheWebLayerDependOnNoFeature() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.classbase.data..", "dev.classbase.web..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.classbase.platform..",
                        "dev.classbase.ops..",
                        "dev.classbase.cli..",
                        "dev.classbase.seed..",
                        "dev.classbase.cluster..")
                .check(main);
    }

    @Test
    void onlyTheCommandLineStartsTheApplication() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.classbase.platform..",
                        "dev.classbase.ops..",
                        "dev.classbase.data..",
                        "dev.classbase.web..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("dev.classbase.ClassbaseApplication")
                .check(main);
    }
}
