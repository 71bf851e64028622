"""A 'Theatre / All routes' switch: two buttons that fit the map to either extent.

A deployment from Texas to Lithuania spans a third of the globe; fitted whole, the
theatre where the ports, railheads and sectors crowd together is a few pixels wide. The
map opens on the theatre and one click shows every route.
"""

from __future__ import annotations

import json

from branca.element import MacroElement
from folium.template import Template

from maps.basemap import Bounds


class ViewSwitch(MacroElement):
    """Buttons that fit the map to the theatre or to every route."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var views = {{ this.views_json }};
            var ctl = L.control({position: "topleft"});
            ctl.onAdd = function () {
                var div = L.DomUtil.create("div", "leaflet-bar mbz-views");
                views.forEach(function (v) {
                    var a = L.DomUtil.create("a", "", div);
                    a.href = "#"; a.textContent = v.label; a.title = v.title;
                    L.DomEvent.on(a, "click", function (e) {
                        L.DomEvent.preventDefault(e);
                        map.fitBounds(v.bounds, {{ this.padding_json }});
                    });
                });
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            ctl.addTo(map);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, theatre: Bounds, everything: Bounds, pad_top_left: tuple[int, int],
                 pad_bottom_right: tuple[int, int]) -> None:
        super().__init__()
        self._name = "ViewSwitch"
        views = [
            {"label": "Theatre", "title": "Zoom to the ally and its approaches",
             "bounds": [list(theatre[0]), list(theatre[1])]},
            {"label": "All routes", "title": "Zoom out to every route",
             "bounds": [list(everything[0]), list(everything[1])]},
        ]
        self.views_json = json.dumps(views)
        self.padding_json = json.dumps(
            {"paddingTopLeft": list(pad_top_left), "paddingBottomRight": list(pad_bottom_right)})
