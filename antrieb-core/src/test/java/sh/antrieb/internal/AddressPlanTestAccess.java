package sh.antrieb.internal;

import java.lang.reflect.Constructor;

/** Makes an empty plan for tests (the real one reads the host). */
final class AddressPlanTestAccess {
    private AddressPlanTestAccess() {
    }

    static AddressPlan empty() {
        try {
            Constructor<AddressPlan> c = AddressPlan.class.getDeclaredConstructor();
            c.setAccessible(true);
            return c.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
