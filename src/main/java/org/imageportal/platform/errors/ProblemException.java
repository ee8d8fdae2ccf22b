package org.imageportal.platform.errors;

/** Thrown by services to answer with a specific problem; mapped to problem+json or an error page. */
public class ProblemException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Problem problem;

    public ProblemException(ProblemType type, String detail) {
        super(type.slug(), null, false, false);
        this.problem = Problem.of(type, detail);
    }

    public ProblemException(Problem problem) {
        super(problem.type().toString(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    /** An id from a path: anything that is not a UUID names nothing (404, like an unknown id). */
    public static java.util.UUID idOrNotFound(String value) {
        try {
            return java.util.UUID.fromString(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw notFound();
        }
    }

    /** Bad input in one field: a validation problem with {@code detail} and the field's violation. */
    public static ProblemException invalid(String detail, String field, String message) {
        return new ProblemException(Problem.of(ProblemType.VALIDATION, detail)
                .withViolations(java.util.List.of(new Problem.Violation(field, message))));
    }

    /** Bad input in one field, the message also serving as the problem's detail. */
    public static ProblemException invalid(String field, String message) {
        return invalid(message, field, message);
    }

    public static ProblemException notFound() {
        return new ProblemException(ProblemType.NOT_FOUND, "There is nothing here, or you may not see it.");
    }
}
