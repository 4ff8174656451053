// GraphiQL for docgraph: everything it loads comes from this server (the page's
// Content-Security-Policy allows nothing else). Requests go to the page's own
// URL, so the browser sends the credentials it already used for the page.
(function () {
  "use strict";

  const EXAMPLE_QUERY = `# docgraph: a document, its children and their properties in one request.
# Run it with Ctrl-Enter (or the play button); Ctrl-Space completes.
{
  document(path: "/default-domain") {
    title
    path
    children(pageSize: 10) {
      totalSize
      entries {
        title
        type
        path
        lastModified
        properties(schemas: ["dublincore"])
      }
    }
  }
}
`;

  const url = window.location.href.split("?")[0].split("#")[0];
  const params = new URLSearchParams(window.location.search);
  const fetcher = GraphiQL.createFetcher({ url: url });
  const explorer = GraphiQLPluginExplorer.explorerPlugin();

  function App() {
    const [query, setQuery] = React.useState(params.get("query") || EXAMPLE_QUERY);
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      query: query,
      onEditQuery: setQuery,
      plugins: [explorer],
      visiblePlugin: explorer,
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: false,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(App));
})();
