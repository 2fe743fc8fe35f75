package io.till;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RestController;

/** The package rules of STYLE.md, checked on every build. */
@AnalyzeClasses(packages = "io.till", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule featuresDoNotDependOnEachOtherInCycles = slices().matching("io.till.(*)..")
        .should()
        .beFreeOfCycles();

    @ArchTest
    static final ArchRule sharedKnowsNoFeature = noClasses().that()
        .resideInAPackage("io.till.shared..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.till.account..", "io.till.access..", "io.till.admin..", "io.till.idempotency..",
            "io.till.database..");

    @ArchTest
    static final ArchRule controllersStayInsideTheirFeature = classes().that()
        .areAnnotatedWith(RestController.class)
        .or()
        .areAnnotatedWith(Controller.class)
        .should()
        .notBePublic()
        .andShould()
        .notHaveModifier(JavaModifier.PUBLIC);

    private static final DescribedPredicate<JavaClass> CONTROLLERS = DescribedPredicate.describe("controllers",
        type -> !type.isAnnotation()
            && (type.isAnnotatedWith(RestController.class) || type.isAnnotatedWith(Controller.class)));

    @ArchTest
    static final ArchRule nothingCallsAController = noClasses().that(DescribedPredicate.not(CONTROLLERS))
        .should()
        .dependOnClassesThat(CONTROLLERS);

    @ArchTest
    static final ArchRule noJavaSerializationOfStoredData = noClasses().should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.io.ObjectOutputStream")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.io.ObjectInputStream");

    @ArchTest
    static final ArchRule timeComesFromTheInjectedClock = noClasses().that()
        .resideOutsideOfPackage("io.till.shared")
        .should()
        .callMethod(java.time.Instant.class, "now")
        .orShould()
        .callMethod(System.class, "currentTimeMillis");

    @ArchTest
    static final ArchRule noConsoleOutput = noClasses().should()
        .accessField(System.class, "out")
        .orShould()
        .accessField(System.class, "err");
}
