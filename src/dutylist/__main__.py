from dutylist.cli import run

run()
