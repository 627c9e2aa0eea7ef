package app.oviya.auth.service;

import app.oviya.auth.v1.Plan;
import app.oviya.common.error.ServiceException;

/** The plan names stored in the database and carried in tokens, and their gRPC enum. */
public final class Plans {

    private Plans() {
    }

    public static Plan toProto(String plan) {
        return switch (plan) {
            case "pro" -> Plan.PLAN_PRO;
            case "premium" -> Plan.PLAN_PREMIUM;
            default -> Plan.PLAN_FREE;
        };
    }

    public static String fromProto(Plan plan) {
        return switch (plan) {
            case PLAN_FREE -> "free";
            case PLAN_PRO -> "pro";
            case PLAN_PREMIUM -> "premium";
            default -> throw ServiceException.validation("plan must be free, pro or premium");
        };
    }
}
