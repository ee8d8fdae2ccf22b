package org.imageportal.arch;

import java.util.List;

import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/** Every endpoint method, or its class, carries one of the security annotations. */
final class SecurityAnnotations {

    static final List<String> ANNOTATIONS = List.of("jakarta.annotation.security.PermitAll",
            "jakarta.annotation.security.RolesAllowed", "jakarta.annotation.security.DenyAll",
            "io.quarkus.security.Authenticated");

    static final ArchCondition<JavaMethod> DECLARED = new ArchCondition<>("declare who may call them") {

        @Override
        public void check(JavaMethod method, ConditionEvents events) {
            boolean declared = ANNOTATIONS.stream().anyMatch(
                    a -> method.isAnnotatedWith(a) || method.getOwner().isAnnotatedWith(a));
            events.add(new SimpleConditionEvent(method, declared,
                    method.getFullName() + (declared ? " declares" : " does not declare") + " its security"));
        }
    };

    private SecurityAnnotations() {
    }
}
