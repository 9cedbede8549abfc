from cpscore.cli import main

main(prog_name="cpscore")
