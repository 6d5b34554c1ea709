package ca.heroa.hsm;

import org.junit.jupiter.api.Test;
import sun.security.pkcs11.wrapper.CK_ATTRIBUTE;
import sun.security.pkcs11.wrapper.CK_MECHANISM;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Exception;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_CLASS;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_EXTRACTABLE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_SENSITIVE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_VALUE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_WRAP;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_TOKEN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_VALUE_LEN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_KEY_TYPE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKK_AES;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_GEN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_WRAP_PAD;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;

/**
 * An attacker with the PIN and the PKCS#11 library (the strongest software position) tries to take the keys out of
 * the token: reading their value, wrapping them under a key of their own, or loosening their attributes.
 */
class Pkcs11ExportTest {

    @Test
    void noKeyLeavesTheTokenEvenForACallerHoldingThePin() throws Exception {
        CustodySettings settings = TestToken.settings("export");
        KeyCustody.provision(settings);
        Pkcs11Module module = Pkcs11Module.load(settings.libraries());
        PKCS11 p11 = module.p11();
        Pkcs11Sessions sessions = new Pkcs11Sessions(module, Pkcs11Token.findSlot(p11, settings.token()), module.generation());
        sessions.login(settings.pin().read(), "test");
        List<Long> ours = sessions.with((pkcs11, session) -> {
            List<Long> handles = new java.util.ArrayList<>();
            for (long handle : Pkcs11Token.allObjects(pkcs11, session)) {
                long objectClass = Pkcs11Token.objectClass(pkcs11, session, handle);
                if (Pkcs11Token.label(pkcs11, session, handle).startsWith(settings.keyLabelPrefix() + "-")
                        && (objectClass == CKO_SECRET_KEY || objectClass == CKO_PRIVATE_KEY)) {
                    handles.add(handle);
                }
            }
            return handles;
        });
        assertEquals(5, ours.size(), "the key-encryption key and four private keys: " + ours);
        long attackerKey = sessions.with((pkcs11, session) -> pkcs11.C_GenerateKey(session, new CK_MECHANISM(CKM_AES_KEY_GEN), new CK_ATTRIBUTE[]{
            new CK_ATTRIBUTE(CKA_CLASS, CKO_SECRET_KEY), new CK_ATTRIBUTE(CKA_KEY_TYPE, CKK_AES), new CK_ATTRIBUTE(CKA_VALUE_LEN, 32L),
            new CK_ATTRIBUTE(CKA_TOKEN, false), new CK_ATTRIBUTE(CKA_WRAP, true)}));
        for (long handle : ours) {
            String label = sessions.with((pkcs11, session) -> Pkcs11Token.label(pkcs11, session, handle));
            assertThrows(PKCS11Exception.class, () -> sessions.with((pkcs11, session) -> {
                CK_ATTRIBUTE[] value = {new CK_ATTRIBUTE(CKA_VALUE)};
                pkcs11.C_GetAttributeValue(session, handle, value);
                return value[0].getByteArray();
            }), label + ": CKA_VALUE must not be readable");
            assertThrows(PKCS11Exception.class, () -> sessions.with((pkcs11, session) ->
                    pkcs11.C_WrapKey(session, new CK_MECHANISM(CKM_AES_KEY_WRAP_PAD), attackerKey, handle)), label + ": must not wrap out");
            assertThrows(PKCS11Exception.class, () -> sessions.with((pkcs11, session) -> {
                pkcs11.C_SetAttributeValue(session, handle, new CK_ATTRIBUTE[]{new CK_ATTRIBUTE(CKA_EXTRACTABLE, true)});
                return null;
            }), label + ": CKA_EXTRACTABLE must not be switched on");
            assertThrows(PKCS11Exception.class, () -> sessions.with((pkcs11, session) -> {
                pkcs11.C_SetAttributeValue(session, handle, new CK_ATTRIBUTE[]{new CK_ATTRIBUTE(CKA_SENSITIVE, false)});
                return null;
            }), label + ": CKA_SENSITIVE must not be switched off");
            KeyAttributes after = sessions.with((pkcs11, session) -> Pkcs11Token.attributes(pkcs11, session, handle));
            assertTrue(after.sensitive(), label + " is still sensitive");
            assertFalse(after.extractable(), label + " is still not extractable");
        }
    }
}
