import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Signs through SunPKCS11 and the CodeSigning module from several threads at once, and checks every
 * signature with the token's certificate using the JDK's own EC implementation (not the token).
 * usage: ConcurrentSign PROVIDER_CONFIG ALIAS THREADS SIGNATURES_PER_THREAD
 */
public final class ConcurrentSign {
    public static void main(String[] args) throws Exception {
        Provider provider = Security.getProvider("SunPKCS11").configure(args[0]);
        KeyStore store = KeyStore.getInstance("PKCS11", provider);
        store.load(null, "ignored".toCharArray());
        PrivateKey key = (PrivateKey) store.getKey(args[1], null);
        X509Certificate certificate = (X509Certificate) store.getCertificate(args[1]);
        int threads = Integer.parseInt(args[2]);
        int perThread = Integer.parseInt(args[3]);
        AtomicInteger verified = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            work.add(pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    byte[] data = ("thread " + thread + " signature " + i).getBytes(StandardCharsets.UTF_8);
                    Signature signer = Signature.getInstance("SHA256withECDSA", provider);
                    signer.initSign(key);
                    signer.update(data);
                    byte[] signature = signer.sign();
                    Signature verifier = Signature.getInstance("SHA256withECDSA", "SunEC");
                    verifier.initVerify(certificate.getPublicKey());
                    verifier.update(data);
                    if (!verifier.verify(signature)) {
                        throw new IllegalStateException("thread " + thread + " signature " + i + " does not verify");
                    }
                    verified.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> future : work) {
            future.get();
        }
        pool.shutdown();
        System.out.println("verified " + verified.get());
    }
}
