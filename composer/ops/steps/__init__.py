"""What commands do to the host: containers, the pod, networks and volumes, images and hooks."""
