/** What the webview needs of the bundled Netron (dist/netron, made by scripts/fetch-netron.sh). */
export interface NetronBundle {
    version: string;
    /** The <style> blocks of Netron's index.html. */
    styles: string;
    /** The body of Netron's index.html: the elements (ids) its view looks up, without scripts. */
    body: string;
}
/** Netron's page parts from the text of its index.html; undefined when it has no body. */
export declare function parseNetronIndex(index: string): NetronBundle | undefined;
export interface NetronPageOptions {
    nonce: string;
    /** The webview's `cspSource`. */
    cspSource: string;
    /** URL of dist/webview/netron-host.js as the webview sees it. */
    hostScript: string;
    /** URL of dist/netron/ as the webview sees it, ending in '/'. */
    netronBase: string;
    /** The model's file name (untrusted text). */
    name: string;
    /** Undefined when Netron is not bundled: the page then says so and offers the inspector. */
    netron: NetronBundle | undefined;
}
/**
 * The page: Netron's styles and elements, ONNX Lab's additions, and the host script. Netron's
 * index.html styles inline and sets style attributes, hence 'unsafe-inline' for styles only;
 * scripts need the nonce (Netron's modules load through imports of the nonced host script); the
 * layout worker is a blob the host builds.
 */
export declare function netronPageHtml(o: NetronPageOptions): string;
