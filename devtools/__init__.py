"""Development tools, not part of the runtime package: the services `jobingest dev` and the
tests start (`devtools.devstack`), the dev runner (`devtools.devrun`) and the benchmarks
(`devtools.bench`). They ship in the source checkout only (`make install` puts it on the
virtualenv's path); the wheel and the image carry `worker`, `producers`, `schemas` and `cli`.
"""
