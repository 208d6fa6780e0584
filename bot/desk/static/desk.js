// Progressive enhancement only: the desk works without it. A conversation page follows the
// transcript live (server-sent events; the browser reconnects with Last-Event-ID), and the
// report draws its charts with Chart.js from the figures the page carries.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const figures = document.getElementById("chart-data");
  if (figures && window.Chart) {
    const canvases = document.querySelectorAll(".charts canvas");
    JSON.parse(figures.textContent).forEach((chart, index) => {
      const options = { animation: false, responsive: true, aspectRatio: 1.5, ...chart.options };
      new window.Chart(canvases[index], { type: chart.type, data: chart.data, options });
    });
  }

  const list = document.getElementById("transcript");
  if (!list || !window.EventSource) return;
  list.scrollTop = list.scrollHeight;
  const url = `${list.dataset.stream}?setelah=${encodeURIComponent(list.dataset.last || "0")}`;
  const source = new EventSource(url);
  source.onmessage = (event) => {
    const line = JSON.parse(event.data);
    const item = document.createElement("li");
    item.className = line.direction === "out" ? "out" : "in";
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = line.text;
    const time = document.createElement("time");
    time.textContent = line.at;
    item.append(text, time);
    list.append(item);
    list.scrollTop = list.scrollHeight;
  };
});
