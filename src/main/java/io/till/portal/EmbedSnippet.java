package io.till.portal;

/**
 * The HTML a seller pastes into their site to show an account's portal in a frame that grows with its content (the
 * portal posts its height; the script listens only to Till's origin).
 */
public final class EmbedSnippet {

    private EmbedSnippet() {}

    /** @param baseUrl where buyers reach Till, such as {@code https://till.example} */
    public static String of(String baseUrl, String accountId) {
        return """
            <iframe id="till-portal" src="%1$s/portal/%2$s" title="Billing"
                    style="width:100%%;border:0;min-height:520px"></iframe>
            <script>
              window.addEventListener('message', function (event) {
                if (event.origin !== '%1$s') return;
                if (event.data && event.data.type === 'till-portal:height') {
                  document.getElementById('till-portal').style.height = event.data.height + 'px';
                }
              });
            </script>
            """.formatted(baseUrl, accountId);
    }
}
