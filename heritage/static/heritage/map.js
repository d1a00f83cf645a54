/* The public maps: every located monument on the home page (clustered), one monument on
   its page. Markers name the state in words, not colour alone. Without a tile server
   (MAP_TILE_URL empty, or no network) the markers show on a plain background. */
(function () {
  "use strict";

  function labels() {
    var node = document.getElementById("state-labels");
    return node ? JSON.parse(node.textContent) : {};
  }

  function baseMap(element) {
    var map = L.map(element, { scrollWheelZoom: false, maxZoom: 18 });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, {
        attribution: element.dataset.tileAttribution || "",
        maxZoom: 18,
      }).addTo(map);
    }
    return map;
  }

  function markerIcon(state, words) {
    var label = document.createElement("span");
    label.textContent = words[state] || state;
    return L.divIcon({ className: "marker state-" + state, html: label, iconSize: null });
  }

  function popup(name, state, words, href, openLabel) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = href;
    link.className = "marker-link";
    link.textContent = name;
    var strong = document.createElement("strong");
    strong.appendChild(link);
    box.appendChild(strong);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(words[state] || state));
    return box;
  }

  function homeMap(element) {
    var words = labels();
    var map = baseMap(element);
    map.setView([34.55, 38.27], 6);
    var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
    var base = element.dataset.monumentUrl;
    fetch(element.dataset.points, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (collection) {
        var markers = collection.features.map(function (feature) {
          var c = feature.geometry.coordinates;
          var p = feature.properties;
          var marker = L.marker([c[1], c[0]], {
            icon: markerIcon(p.state, words),
            title: p.name + ": " + (words[p.state] || p.state),
            keyboard: true,
          });
          marker.bindPopup(popup(p.name, p.state, words, base + feature.id + "/"));
          return marker;
        });
        cluster.addLayers(markers);
        map.addLayer(cluster);
        if (markers.length) {
          map.fitBounds(cluster.getBounds(), { maxZoom: 14, padding: [40, 40] });
        }
        element.dataset.markers = String(markers.length);
      })
      .catch(function (error) {
        element.dataset.markers = "error: " + error;
      });
  }

  function monumentMap(element) {
    var words = labels();
    var map = baseMap(element);
    var point = [parseFloat(element.dataset.lat), parseFloat(element.dataset.lon)];
    map.setView(point, 15);
    L.marker(point, {
      icon: markerIcon(element.dataset.state, words),
      title: element.dataset.label,
      keyboard: false,
    }).addTo(map);
  }

  var home = document.getElementById("map");
  if (home) homeMap(home);
  var one = document.getElementById("monument-map");
  if (one) monumentMap(one);
})();
