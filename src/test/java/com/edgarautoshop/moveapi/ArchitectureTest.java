package com.edgarautoshop.moveapi;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Package dependencies run one way: root (wiring) → features → web, db, config. */
class ArchitectureTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("com.edgarautoshop.moveapi");

  @Test
  void noPackageImportsOneThatImportsItBack() {
    slices().matching("com.edgarautoshop.moveapi.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void sharedLayersImportNoFeature() {
    noClasses().that().resideInAnyPackage("..moveapi.web..", "..moveapi.db..", "..moveapi.config..")
        .should().dependOnClassesThat().resideInAnyPackage("..moveapi.appointment..", "..moveapi.auth..", "..moveapi.board..",
            "..moveapi.health..", "..moveapi.metrics..", "..moveapi.move..", "..moveapi.stream..")
        .check(MAIN);
  }

  @Test
  void onlyTheRootPackageWiresFeatures() {
    noClasses().that().resideOutsideOfPackage("com.edgarautoshop.moveapi")
        .should().dependOnClassesThat().resideInAPackage("com.edgarautoshop.moveapi")
        .check(MAIN);
  }
}
