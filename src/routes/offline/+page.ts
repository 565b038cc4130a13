// Precached by the service worker and shown for a screen never opened on this device.
export const prerender = true;
