from docgraph.gateway.cli import main

main()
