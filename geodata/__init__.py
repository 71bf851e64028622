"""Geography for mobilize: resolve a scenario's places and build the legs between them.

- places: airfields (airportsdata), seaports (searoute's port list), sector nodes.
- distance: great-circle km and arcs. Coordinates are (lat, lon) degrees WGS84 everywhere.
- sea: searoute lanes with closed passages, cached on disk.
- rail: the corridor network in data/rail_corridors.yaml, one graph per gauge.
- road: great circle x detour factor within road regions and through fixed links.
- legs, reach: fleets and times per leg; why a force cannot reach its sector.
- network: build_network() -> Network, to_json() = resolved.json, write_resolved().
"""
