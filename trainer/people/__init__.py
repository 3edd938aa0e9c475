"""People in the supervisor workspace: new hires (one by one or from a spreadsheet), sign-in links and
temporary passwords, team moves, hire dates and leavers, each change recorded.

`rows` is pure (reads a CSV or XLSX into rows, no database); `selectors` reads and checks;
`services` writes.
"""
